import pg from 'pg'
import type { IsolatedDatabase, IsolationStrategy } from '../isolated-database.ts'
import type { Template } from '../templates/ensure-template.ts'
import { createDatabasePool, type DatabasePool, type DatabasePoolOptions } from './database-pool.ts'

/** The `database` strategy, with the clone pool behind it. */
export interface DatabaseStrategy extends IsolationStrategy {
  readonly clones: DatabasePool
}

/**
 * The `database` strategy: every test gets its own database cloned from the template, as a URL any
 * driver, ORM or other process can use, with real commits. `rollback` drops it in the background.
 * @example
 * await using isolation = await databaseStrategy(adminUrl, await ensureTemplate(adminUrl, source))
 * const db = await isolation.begin()
 * await db.query('INSERT INTO users (email) VALUES ($1)', ['a@example.com']) // committed, in this test's database only
 * await isolation.rollback(db, { failed: false })
 */
export async function databaseStrategy(
  adminUrl: string,
  template: Pick<Template, 'name' | 'hash'>,
  options: DatabasePoolOptions = {},
): Promise<DatabaseStrategy> {
  const clones = await createDatabasePool(adminUrl, template, options)
  const pools = new Map<string, pg.Pool>()
  const close = async () => {
    await Promise.all([...pools.values()].map(endPool))
    pools.clear()
    await clones.close()
  }
  return {
    name: 'database',
    clones,
    async begin(): Promise<IsolatedDatabase> {
      const { name, url } = await clones.acquire()
      const pool = testPool(url)
      pools.set(name, pool)
      return { strategy: 'database', name, url, pool, query: pool.query.bind(pool) as pg.Pool['query'] }
    },
    async rollback(database, outcome = { failed: false }) {
      const pool = pools.get(database.name)
      pools.delete(database.name)
      if (pool) await endPool(pool)
      await clones.release(database.name, outcome)
    },
    close,
    [Symbol.asyncDispose]: close,
  }
}

function testPool(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url })
  // The clone is dropped WITH (FORCE) after the test, which ends any connection still open on it,
  // checked-out ones included; those would otherwise crash the worker with an unhandled 'error'.
  pool.on('error', () => {})
  pool.on('connect', (client) => client.on('error', () => {}))
  return pool
}

/** Ends a test's pool; clients the test never released are not waited for, the drop ends them. */
async function endPool(pool: pg.Pool): Promise<void> {
  if (pool.ending) return
  const checkedOut = pool.totalCount - pool.idleCount
  const ended = pool.end()
  if (checkedOut === 0) await ended
  else ended.catch(() => {})
}
