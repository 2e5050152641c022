import knex, { type Knex } from 'knex'
import { describe, expect } from 'vitest'
import type { IsolatedDatabase } from '../../src/isolation/isolated-database.ts'
import { committedItemCount, transactionTest as test } from '../test-utils/transaction-test.ts'

// Knex 3.3 takes an existing driver pool as `connectionPool`, and never ends it (knex.destroy() only lets go).
function orm(db: IsolatedDatabase): Knex {
  return knex({ client: 'pg', connectionPool: db.pool })
}

async function names(app: Knex): Promise<string[]> {
  return (await app('items').select('name').orderBy('id')).map((row: { name: string }) => row.name)
}

describe.concurrent('Knex (connectionPool) on the transaction pool', () => {
  test("writes into the test's transaction, unseen by other connections, and the next test starts empty", async ({
    strategy,
    url,
  }) => {
    const first = await strategy.begin()
    const app = orm(first)
    expect(await app('items').insert({ name: 'knexed' }).returning(['id', 'name'])).toEqual([
      { id: expect.any(Number), name: 'knexed' },
    ])
    expect((await first.query('SELECT name FROM items')).rows).toEqual([{ name: 'knexed' }])
    expect(await committedItemCount(url)).toBe(0)
    await app.destroy()
    await strategy.rollback(first)

    const second = await strategy.begin()
    expect(await names(orm(second))).toEqual([])
    await strategy.rollback(second)
  })

  test('knex.transaction commits into the test transaction', async ({ db }) => {
    const app = orm(db)
    await app.transaction(async (trx) => {
      const [row] = await trx('items').insert({ name: 'draft' }).returning('id')
      await trx('items').update({ name: 'committed' }).where('id', row.id)
    })
    expect(await names(app)).toEqual(['committed'])
  })

  test('a unique violation inside knex.transaction is caught, undoes that transaction only, and the test goes on', async ({
    db,
  }) => {
    const app = orm(db)
    await app('items').insert({ name: 'taken' })
    await expect(
      app.transaction(async (trx) => {
        await trx('items').insert({ name: 'rolled back' })
        await trx('items').insert({ name: 'taken' })
      }),
    ).rejects.toMatchObject({ code: '23505', constraint: 'items_name_key' })
    await app('items').insert({ name: 'after' })
    expect(await names(app)).toEqual(['taken', 'after'])
  })

  test('a nested transaction that throws rolls back to its savepoint only', async ({ db }) => {
    const app = orm(db)
    await app.transaction(async (trx) => {
      await trx('items').insert({ name: 'outer' })
      await trx
        .transaction(async (inner) => {
          await inner('items').insert({ name: 'inner, rolled back' })
          throw new Error('inner fails')
        })
        .catch(() => {})
      await trx.transaction((inner) => inner('items').insert({ name: 'inner, kept' }))
    })
    expect(await names(app)).toEqual(['outer', 'inner, kept'])
  })

  test('a transaction with an isolation level commits', async ({ db }) => {
    const app = orm(db)
    await app.transaction((trx) => trx('items').insert({ name: 'serializable' }), { isolationLevel: 'serializable' })
    expect(await names(app)).toEqual(['serializable'])
  })
})
