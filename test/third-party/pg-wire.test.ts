import { describe, expect, test } from 'vitest'
import { withClient } from '../test-utils/clients.ts'
import { useWireEndpoint } from '../test-utils/wire-suite.ts'

const suite = useWireEndpoint({
  load: () => import('../fixtures/wire-apps/pg-app.ts'),
  close: ({ pool }) => pool.end(),
})

async function names(): Promise<string[]> {
  const { rows } = await suite.app.pool.query<{ name: string }>('SELECT name FROM items ORDER BY id')
  return rows.map((row) => row.name)
}

describe('pg (Pool and Client) through the wire endpoint, unchanged', () => {
  test("the module's pool writes inside the test, and the next test starts empty", async () => {
    await suite.app.pool.query('INSERT INTO items (name) VALUES ($1)', ['pg'])
    expect(await names()).toEqual(['pg'])
    expect(await withClient(suite.url, async (client) => (await client.query('SELECT * FROM items')).rows)).toEqual([])
    await suite.nextTest()
    expect(await names()).toEqual([])
  })

  test('a transaction on a checked-out client, with a savepoint rolled back inside it', async () => {
    const client = await suite.app.pool.connect()
    await client.query('BEGIN')
    await client.query("INSERT INTO items (name) VALUES ('kept')")
    await client.query('SAVEPOINT nested')
    await client.query("INSERT INTO items (name) VALUES ('undone')")
    await client.query('ROLLBACK TO SAVEPOINT nested')
    await client.query('COMMIT')
    client.release()
    expect(await names()).toEqual(['kept'])
  })

  test('a caught unique violation, then more work in the same test', async () => {
    await suite.app.pool.query("INSERT INTO items (name) VALUES ('unique')")
    await expect(suite.app.pool.query("INSERT INTO items (name) VALUES ('unique')")).rejects.toMatchObject({
      code: '23505',
    })
    await suite.app.pool.query("INSERT INTO items (name) VALUES ('after')")
    expect(await names()).toEqual(['unique', 'after'])
  })

  test('concurrent queries on several connections of the pool', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => suite.app.pool.query('INSERT INTO items (name) VALUES ($1)', [`n${i}`])),
    )
    expect((await names()).length).toBe(20)
  })

  test('a pg.Client of its own, made from DATABASE_URL inside the test', async () => {
    await withClient(process.env.DATABASE_URL ?? '', async (client) => {
      await client.query("INSERT INTO items (name) VALUES ('own client')")
    })
    expect(await names()).toEqual(['own client'])
  })

  test('a named prepared statement is reused across tests', async () => {
    const count = { name: 'count_items', text: 'SELECT count(*)::int AS n FROM items' }
    await suite.app.pool.query("INSERT INTO items (name) VALUES ('one')")
    expect((await suite.app.pool.query(count)).rows).toEqual([{ n: 1 }])
    await suite.nextTest()
    expect((await suite.app.pool.query(count)).rows).toEqual([{ n: 0 }])
  })
})
