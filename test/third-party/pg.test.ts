import type pg from 'pg'
import { describe, expect } from 'vitest'
import type { PoolLike } from '../../src/isolation/isolated-database.ts'
import { committedItemCount, transactionTest as test } from '../test-utils/transaction-test.ts'

/** The transaction helper from node-postgres's docs (node-postgres.com/features/transactions). */
async function inTransaction<T>(pool: PoolLike, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect()
  try {
    await client.query('BEGIN')
    const result = await work(client)
    await client.query('COMMIT')
    return result
  } catch (error) {
    await client.query('ROLLBACK')
    throw error
  } finally {
    client.release()
  }
}

/** A repository as apps write them: it takes a pool and knows nothing of tests. */
function itemsRepository(pool: PoolLike) {
  return {
    async add(name: string): Promise<number> {
      const { rows } = await pool.query<{ id: number }>('INSERT INTO items (name) VALUES ($1) RETURNING id', [name])
      return rows[0]?.id ?? -1
    },
    async names(): Promise<string[]> {
      const { rows } = await pool.query<{ name: string }>('SELECT name FROM items ORDER BY id')
      return rows.map((row) => row.name)
    },
    rename(id: number, name: string) {
      return inTransaction(pool, async (client) => {
        const { rowCount } = await client.query('UPDATE items SET name = $2 WHERE id = $1', [id, name])
        if (rowCount !== 1) throw new Error(`no item ${id}`)
        await client.query('INSERT INTO items (name) VALUES ($1)', [`renamed to ${name}`])
      })
    },
  }
}

describe.concurrent('pg through the transaction pool', () => {
  test('serves a repository written against pg.Pool', async ({ db }) => {
    const items = itemsRepository(db.pool)
    const id = await items.add('first')
    await items.rename(id, 'second')
    await expect(items.rename(999, 'ghost')).rejects.toThrow('no item 999')
    expect(await items.names()).toEqual(['second', 'renamed to second'])
  })

  test("rolls back the node-postgres docs' transaction when its work throws, and the test goes on", async ({ db }) => {
    await expect(
      inTransaction(db.pool, async (client) => {
        await client.query("INSERT INTO items (name) VALUES ('kept?')")
        await client.query("INSERT INTO items (name) VALUES ('kept?')")
      }),
    ).rejects.toMatchObject({ code: '23505', constraint: 'items_name_key' })
    await db.query("INSERT INTO items (name) VALUES ('after')")
    expect((await db.query('SELECT name FROM items')).rows).toEqual([{ name: 'after' }])
  })

  test('answers parallel requests, each on its own checked-out client, as a web app makes them', async ({ db }) => {
    const items = itemsRepository(db.pool)
    const ids = await Promise.all(Array.from({ length: 20 }, (_, index) => items.add(`item ${index}`)))
    await Promise.all(ids.map((id) => items.rename(id, `renamed ${id}`)))
    expect(await items.names()).toHaveLength(40)
  })

  test('leaves nothing committed for other connections to see, and the next test starts empty', async ({
    strategy,
    url,
  }) => {
    const db = await strategy.begin()
    await itemsRepository(db.pool).rename(await itemsRepository(db.pool).add('x'), 'y')
    expect(await committedItemCount(url)).toBe(0)
    await strategy.rollback(db)
    const next = await strategy.begin()
    expect(await itemsRepository(next.pool).names()).toEqual([])
    await strategy.rollback(next)
  })

  test('returns results shaped as pg returns them', async ({ db }) => {
    const inserted = await db.query("INSERT INTO items (name) VALUES ('a'), ('b')")
    expect(inserted).toMatchObject({ command: 'INSERT', rowCount: 2, rows: [] })
    const selected = await db.query<{ id: number; name: string }>('SELECT id, name FROM items ORDER BY id')
    expect(selected.fields.map((field) => field.name)).toEqual(['id', 'name'])
    expect(selected.rows.map((row) => row.name)).toEqual(['a', 'b'])
    const big = await db.query<{ big: string }>('SELECT 9007199254740993::int8 AS big')
    expect(big.rows).toEqual([{ big: '9007199254740993' }])
  })

  test('releases a client with an error, as pg-pool users do after a broken query', async ({ db }) => {
    const client = await db.pool.connect()
    await client.query('BEGIN')
    const error = await client.query('SELECT * FROM missing').then(
      () => undefined,
      (caught: Error) => caught,
    )
    client.release(error)
    await db.query("INSERT INTO items (name) VALUES ('still works')")
    expect((await db.query('SELECT count(*)::int AS n FROM items')).rows).toEqual([{ n: 1 }])
  })

  test("accepts a pool 'error' listener, as apps register one at startup", async ({ db }) => {
    const onError = () => {}
    db.pool.on('error', onError)
    db.pool.off('error', onError)
    expect((await db.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }])
  })
})
