import { asc, eq, TransactionRollbackError } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/node-postgres'
import { pgTable, serial, text } from 'drizzle-orm/pg-core'
import { describe, expect } from 'vitest'
import type { IsolatedDatabase } from '../../src/isolation/isolated-database.ts'
import { transactionTest as test } from '../test-utils/transaction-test.ts'

const items = pgTable('items', { id: serial('id').primaryKey(), name: text('name').notNull().unique() })

function orm(db: IsolatedDatabase) {
  return drizzle({ client: db.pool })
}

async function names(db: ReturnType<typeof orm>): Promise<string[]> {
  const rows = await db.select({ name: items.name }).from(items).orderBy(asc(items.id))
  return rows.map((row) => row.name)
}

describe.concurrent('Drizzle (drizzle-orm/node-postgres) on the transaction pool', () => {
  test('inserts and selects, and the next test starts empty', async ({ strategy }) => {
    const first = await strategy.begin()
    const [row] = await orm(first).insert(items).values({ name: 'drizzled' }).returning()
    expect(row).toEqual({ id: expect.any(Number), name: 'drizzled' })
    expect(await names(orm(first))).toEqual(['drizzled'])
    await strategy.rollback(first)
    const second = await strategy.begin()
    expect(await names(orm(second))).toEqual([])
    await strategy.rollback(second)
  })

  test('db.transaction commits into the test transaction', async ({ db }) => {
    const app = orm(db)
    const id = await app.transaction(async (tx) => {
      const [row] = await tx.insert(items).values({ name: 'in a transaction' }).returning({ id: items.id })
      await tx
        .update(items)
        .set({ name: 'updated in a transaction' })
        .where(eq(items.id, row?.id ?? -1))
      return row?.id
    })
    expect(id).toEqual(expect.any(Number))
    expect(await names(app)).toEqual(['updated in a transaction'])
  })

  test('a throwing db.transaction rolls back, and the test goes on', async ({ db }) => {
    const app = orm(db)
    await app.insert(items).values({ name: 'before' })
    await expect(
      app.transaction(async (tx) => {
        await tx.insert(items).values({ name: 'rolled back' })
        await tx.insert(items).values({ name: 'before' })
      }),
    ).rejects.toMatchObject({ cause: { code: '23505' } })
    await expect(
      app.transaction(async (tx) => {
        await tx.insert(items).values({ name: 'rolled back too' })
        tx.rollback()
      }),
    ).rejects.toBeInstanceOf(TransactionRollbackError)
    await app.insert(items).values({ name: 'after' })
    expect(await names(app)).toEqual(['before', 'after'])
  })

  test('a nested tx.transaction that throws rolls back to its savepoint only', async ({ db }) => {
    const app = orm(db)
    await app.transaction(async (tx) => {
      await tx.insert(items).values({ name: 'outer' })
      await tx
        .transaction(async (inner) => {
          await inner.insert(items).values({ name: 'inner, rolled back' })
          throw new Error('inner fails')
        })
        .catch(() => {})
      await tx.transaction(async (inner) => {
        await inner.insert(items).values({ name: 'inner, kept' })
      })
    })
    expect(await names(app)).toEqual(['outer', 'inner, kept'])
  })

  test('runs transactions with an isolation level and access mode', async ({ db }) => {
    const app = orm(db)
    await app.transaction(async (tx) => tx.insert(items).values({ name: 'serializable' }), {
      isolationLevel: 'serializable',
      accessMode: 'read write',
    })
    expect(await names(app)).toEqual(['serializable'])
  })

  test('runs concurrent db.transaction calls one after the other', async ({ db }) => {
    const app = orm(db)
    await Promise.all(
      ['a', 'b', 'c'].map((name) =>
        app.transaction(async (tx) => {
          await tx.insert(items).values({ name })
          await tx.insert(items).values({ name: `${name} again` })
        }),
      ),
    )
    expect((await names(app)).sort()).toEqual(['a', 'a again', 'b', 'b again', 'c', 'c again'])
  })
})
