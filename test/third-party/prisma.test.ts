import { PrismaPg } from '@prisma/adapter-pg'
import { beforeAll, describe, expect } from 'vitest'
import type { IsolatedDatabase } from '../../src/isolation/isolated-database.ts'
import { committedItemCount, transactionTest as test } from '../test-utils/transaction-test.ts'
import { generatePrismaClient } from './prisma/generate-prisma-client.ts'

// The generated client exists only once beforeAll ran `prisma generate`, so it is imported
// dynamically and typed here by the part of its API these tests call.
interface Item {
  id: number
  name: string
}
interface Items {
  create(args: { data: { name: string } }): Promise<Item>
  update(args: { where: { id: number }; data: { name: string } }): Promise<Item>
  findMany(args: { orderBy: { id: 'asc' } }): Promise<Item[]>
}
interface Prisma {
  item: Items
  $transaction<T>(work: (tx: { item: Items }) => Promise<T>, options?: { isolationLevel?: string }): Promise<T>
  $transaction(batch: Array<Promise<unknown>>): Promise<unknown[]>
  $disconnect(): Promise<void>
}

let PrismaClient: new (options: { adapter: PrismaPg }) => Prisma

beforeAll(async () => {
  ;({ PrismaClient } = await import(await generatePrismaClient()))
})

// The documented way to hand Prisma 7 an existing pool: the adapter keeps it because it is a pg.Pool.
function orm(db: IsolatedDatabase): Prisma {
  return new PrismaClient({ adapter: new PrismaPg(db.pool) })
}

async function names(prisma: Prisma): Promise<string[]> {
  return (await prisma.item.findMany({ orderBy: { id: 'asc' } })).map((item) => item.name)
}

describe.concurrent('Prisma 7 (@prisma/adapter-pg) on the transaction pool', () => {
  test("writes into the test's transaction, unseen by other connections, and the next test starts empty", async ({
    strategy,
    url,
  }) => {
    const first = await strategy.begin()
    const prisma = orm(first)
    expect(await prisma.item.create({ data: { name: 'prismatic' } })).toEqual({
      id: expect.any(Number),
      name: 'prismatic',
    })
    expect((await first.query('SELECT name FROM items')).rows).toEqual([{ name: 'prismatic' }])
    expect(await committedItemCount(url)).toBe(0)
    await prisma.$disconnect()
    await strategy.rollback(first)

    const second = await strategy.begin()
    expect(await names(orm(second))).toEqual([])
    await strategy.rollback(second)
  })

  test('an interactive $transaction commits into the test transaction', async ({ db }) => {
    const prisma = orm(db)
    await prisma.$transaction(
      async (tx) => {
        const { id } = await tx.item.create({ data: { name: 'draft' } })
        await tx.item.update({ where: { id }, data: { name: 'committed' } })
      },
      { isolationLevel: 'Serializable' },
    )
    expect(await names(prisma)).toEqual(['committed'])
  })

  test('a unique violation inside $transaction is caught as P2002, undoes that transaction only, and the test goes on', async ({
    db,
  }) => {
    const prisma = orm(db)
    await prisma.item.create({ data: { name: 'taken' } })
    await expect(
      prisma.$transaction(async (tx) => {
        await tx.item.create({ data: { name: 'rolled back' } })
        await tx.item.create({ data: { name: 'taken' } })
      }),
    ).rejects.toMatchObject({ name: 'PrismaClientKnownRequestError', code: 'P2002' })
    await prisma.item.create({ data: { name: 'after' } })
    expect(await names(prisma)).toEqual(['taken', 'after'])
  })

  test('a batch $transaction writes all of its operations', async ({ db }) => {
    const prisma = orm(db)
    await prisma.$transaction([
      prisma.item.create({ data: { name: 'a' } }),
      prisma.item.create({ data: { name: 'b' } }),
    ])
    expect(await names(prisma)).toEqual(['a', 'b'])
  })
})
