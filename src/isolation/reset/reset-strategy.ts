import pg from 'pg'
import type { IsolatedDatabase, LaneStrategy } from '../isolated-database.ts'
import { poolView } from '../pool-view.ts'
import { installWriteTracking, resetWrittenTables, restoringSession } from '../tracking/write-tracking.ts'

/**
 * The `reset` strategy: one shared database per worker; tests commit for real, and after each test
 * only the tables it wrote are put back to their starting rows, and sequences to their starting values.
 * @example
 * await using reset = await resetStrategy(workerDatabaseUrl)
 * const db = await reset.begin()
 * await db.query('INSERT INTO users (email) VALUES ($1)', ['a@example.com'])
 * await reset.rollback(db) // users is back to the rows it started with
 */
export async function resetStrategy(url: string): Promise<LaneStrategy> {
  const control = new pg.Client({ connectionString: url })
  await control.connect()
  await installWriteTracking(control)
  await restoringSession(control)
  const pool = new pg.Pool({ connectionString: url })
  // A connection the server ends (a server stopping under the test) must not crash the worker unheard.
  pool.on('error', () => {})
  pool.on('connect', (client) => client.on('error', () => {}))
  const name = new URL(url).pathname.slice(1)
  const close = async () => {
    await pool.end()
    await control.end()
  }
  return {
    name: 'reset',
    async begin(): Promise<IsolatedDatabase> {
      const view = poolView(pool)
      return { strategy: 'reset', url, name, pool: view, query: view.query }
    },
    async rollback() {
      await resetWrittenTables(control)
    },
    async rollbackAndQuery(_database, sql) {
      return resetWrittenTables(control, sql)
    },
    close,
    [Symbol.asyncDispose]: close,
  }
}
