// The shop's one PostgreSQL pool, made once when the app is first imported, from DATABASE_URL, as
// most apps make theirs. Under testbed that URL is the worker's endpoint, which serves each test's
// own state; nothing in the app or its tests passes a pool around.
import pg from 'pg'

export const db = new pg.Pool({ connectionString: process.env.DATABASE_URL })

/** Runs `work` in one transaction on a connection of the pool: committed if it resolves, else rolled back. */
export async function inTransaction<Result>(work: (client: pg.PoolClient) => Promise<Result>): Promise<Result> {
  const client = await db.connect()
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
