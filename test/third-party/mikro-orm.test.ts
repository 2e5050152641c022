import {
  defineEntity,
  type EntityManager,
  MikroORM,
  p,
  UniqueConstraintViolationException,
} from '@mikro-orm/postgresql'
import { PostgresDialect } from 'kysely'
import { describe, expect } from 'vitest'
import type { IsolatedDatabase } from '../../src/isolation/isolated-database.ts'
import { committedItemCount, transactionTest as test } from '../test-utils/transaction-test.ts'

const ItemSchema = defineEntity({
  name: 'Item',
  tableName: 'items',
  properties: {
    id: p.integer().primary().autoincrement(),
    name: p.string().unique(),
  },
})
class Item extends ItemSchema.class {}
ItemSchema.setClass(Item)

// MikroORM 7 runs on Kysely: `driverOptions` takes a ready dialect, here one over the test's pool.
function orm(db: IsolatedDatabase): Promise<MikroORM> {
  return MikroORM.init({ entities: [Item], dbName: db.name, driverOptions: new PostgresDialect({ pool: db.pool }) })
}

async function names(em: EntityManager): Promise<string[]> {
  return (await em.fork().find(Item, {}, { orderBy: { id: 'asc' } })).map((item) => item.name)
}

describe.concurrent('MikroORM 7 (Kysely PostgresDialect) on the transaction pool', () => {
  test("flushes into the test's transaction, unseen by other connections, and the next test starts empty", async ({
    strategy,
    url,
  }) => {
    const first = await strategy.begin()
    const app = await orm(first)
    const em = app.em.fork()
    const item = em.create(Item, { name: 'mikro' })
    await em.flush()
    expect(item.id).toEqual(expect.any(Number))
    expect((await first.query('SELECT name FROM items')).rows).toEqual([{ name: 'mikro' }])
    expect(await committedItemCount(url)).toBe(0)
    await app.close()
    await strategy.rollback(first)

    const second = await strategy.begin()
    const next = await orm(second)
    expect(await names(next.em)).toEqual([])
    await strategy.rollback(second)
  })

  test('em.transactional commits into the test transaction', async ({ db }) => {
    const app = await orm(db)
    await app.em.fork().transactional(async (em) => {
      const item = em.create(Item, { name: 'draft' })
      await em.flush()
      item.name = 'committed'
    })
    expect(await names(app.em)).toEqual(['committed'])
  })

  test('a unique violation at flush is caught, undoes that flush only, and the test goes on', async ({ db }) => {
    const app = await orm(db)
    const em = app.em.fork()
    em.create(Item, { name: 'taken' })
    await em.flush()
    const clashing = app.em.fork()
    clashing.create(Item, { name: 'rolled back' })
    clashing.create(Item, { name: 'taken' })
    await expect(clashing.flush()).rejects.toBeInstanceOf(UniqueConstraintViolationException)
    const after = app.em.fork()
    after.create(Item, { name: 'after' })
    await after.flush()
    expect(await names(app.em)).toEqual(['taken', 'after'])
  })

  test('a nested em.transactional that throws rolls back to its savepoint only', async ({ db }) => {
    const app = await orm(db)
    await app.em.fork().transactional(async (em) => {
      em.create(Item, { name: 'outer' })
      await em.flush()
      await em
        .transactional(async (inner) => {
          inner.create(Item, { name: 'inner, rolled back' })
          await inner.flush()
          throw new Error('inner fails')
        })
        .catch(() => {})
      await em.transactional(async (inner) => {
        inner.create(Item, { name: 'inner, kept' })
      })
    })
    expect(await names(app.em)).toEqual(['outer', 'inner, kept'])
  })
})
