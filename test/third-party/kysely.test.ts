import { AbortedTransactionError, type Generated, Kysely, PostgresDialect } from 'kysely'
import { describe, expect } from 'vitest'
import type { IsolatedDatabase } from '../../src/isolation/isolated-database.ts'
import { transactionTest as test } from '../test-utils/transaction-test.ts'

interface Database {
  items: { id: Generated<number>; name: string }
}

function orm(db: IsolatedDatabase): Kysely<Database> {
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: db.pool }) })
}

async function names(db: Kysely<Database>): Promise<string[]> {
  const rows = await db.selectFrom('items').select('name').orderBy('id').execute()
  return rows.map((row) => row.name)
}

describe.concurrent('Kysely (PostgresDialect) on the transaction pool', () => {
  test('inserts and selects, and the next test starts empty', async ({ strategy }) => {
    const first = await strategy.begin()
    const row = await orm(first).insertInto('items').values({ name: 'kysely' }).returningAll().executeTakeFirst()
    expect(row).toEqual({ id: expect.any(Number), name: 'kysely' })
    await strategy.rollback(first)
    const second = await strategy.begin()
    expect(await names(orm(second))).toEqual([])
    await strategy.rollback(second)
  })

  test('db.transaction().execute commits into the test transaction', async ({ db }) => {
    const app = orm(db)
    await app.transaction().execute(async (trx) => {
      const { id } = await trx.insertInto('items').values({ name: 'draft' }).returning('id').executeTakeFirstOrThrow()
      await trx.updateTable('items').set({ name: 'committed' }).where('id', '=', id).execute()
    })
    expect(await names(app)).toEqual(['committed'])
  })

  test('a throwing db.transaction().execute rolls back, and the test goes on', async ({ db }) => {
    const app = orm(db)
    await expect(
      app.transaction().execute(async (trx) => {
        await trx.insertInto('items').values({ name: 'rolled back' }).execute()
        throw new Error('the work fails')
      }),
    ).rejects.toThrow('the work fails')
    await app.insertInto('items').values({ name: 'after' }).execute()
    expect(await names(app)).toEqual(['after'])
  })

  test('a transaction with an isolation level and access mode commits', async ({ db }) => {
    const app = orm(db)
    await app
      .transaction()
      .setIsolationLevel('serializable')
      .setAccessMode('read write')
      .execute((trx) => trx.insertInto('items').values({ name: 'serializable' }).execute())
    expect(await names(app)).toEqual(['serializable'])
  })

  test('a controlled transaction rolls back to a savepoint, then commits', async ({ db }) => {
    const app = orm(db)
    const trx = await app.startTransaction().execute()
    await trx.insertInto('items').values({ name: 'outer' }).execute()
    const afterOuter = await trx.savepoint('after_outer').execute()
    await afterOuter.insertInto('items').values({ name: 'undone' }).execute()
    await afterOuter.rollbackToSavepoint('after_outer').execute()
    await trx.insertInto('items').values({ name: 'kept' }).execute()
    await trx.commit().execute()
    expect(await names(app)).toEqual(['outer', 'kept'])
  })

  test('committing a transaction a failed statement aborted throws AbortedTransactionError, as on PostgreSQL', async ({
    db,
  }) => {
    const app = orm(db)
    const trx = await app.startTransaction().execute()
    await trx.insertInto('items').values({ name: 'lost' }).execute()
    await expect(trx.insertInto('items').values({ name: 'lost' }).execute()).rejects.toMatchObject({ code: '23505' })
    await expect(trx.commit().execute()).rejects.toBeInstanceOf(AbortedTransactionError)
    expect(await names(app)).toEqual([])
  })

  test('db.destroy() ends the pool but not the connection the next test uses', async ({ strategy }) => {
    const first = await strategy.begin()
    await orm(first).destroy()
    await strategy.rollback(first)
    const second = await strategy.begin()
    expect(await names(orm(second))).toEqual([])
    await strategy.rollback(second)
  })
})
