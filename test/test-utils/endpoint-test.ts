import pg from 'pg'
import { createWireEndpoint } from '../../src/isolation/endpoint/wire-endpoint.ts'
import { freshDatabase, transactionTest } from './transaction-test.ts'

/**
 * Vitest's `test` with a wire endpoint over a fresh database (with its `items` table) on the
 * file's real PostgreSQL: `url` (the database), `endpoint` (serving it read-only between tests)
 * and `begun` (the endpoint inside a `transaction` test on it, ended after the test) and `pool`
 * (a pg.Pool on the endpoint).
 */
export const endpointTest = transactionTest
  .extend('endpoint', async ({ url }, { onCleanup }) => {
    const endpoint = await createWireEndpoint({ betweenTests: url })
    onCleanup(() => endpoint.close())
    return endpoint
  })
  .extend('begun', async ({ endpoint, url }, { onCleanup }) => {
    await endpoint.beginTest({ isolation: 'transaction', url })
    onCleanup(async () => void (await endpoint.endTest()))
    return endpoint
  })
  // A fixture, not a hook: it is ended before the endpoint it depends on closes.
  .extend('pool', async ({ endpoint }, { onCleanup }) => {
    const pool = new pg.Pool({ connectionString: endpoint.url })
    onCleanup(() => pool.end())
    return pool
  })

/** The names in `items`, in insertion order. */
export async function itemNames(queryable: Pick<pg.Pool, 'query'>): Promise<string[]> {
  const { rows } = await queryable.query<{ name: string }>('SELECT name FROM items ORDER BY id')
  return rows.map((row) => row.name)
}

export { freshDatabase }
