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
 * driver, ORM or other process can use, with real commits. `rollback` ends the test's `db.pool` and
 * drops the database in the background once the connections the app opened on it have closed.
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
  const pools = new Map<string, TestPool>()
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
      const test = testPool(url)
      pools.set(name, test)
      const { pool } = test
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

/** A test's `db.pool`, with the clients checked out of it. */
interface TestPool {
  readonly pool: pg.Pool
  readonly checkedOut: Set<pg.PoolClient>
}

function testPool(url: string): TestPool {
  const pool = new pg.Pool({ connectionString: url })
  const checkedOut = new Set<pg.PoolClient>()
  pool.on('acquire', (client) => checkedOut.add(client))
  pool.on('release', (_error, client) => checkedOut.delete(client))
  // A connection of this pool that the server ends (a server stopping mid-test) must not crash the worker.
  pool.on('error', () => {})
  pool.on('connect', (client) => client.on('error', () => {}))
  return { pool, checkedOut }
}

/**
 * Ends a test's pool, closing the clients the test never released from this side (their pending
 * queries fail), so its database can be dropped; pool.end() alone would wait for their release.
 */
async function endPool({ pool, checkedOut }: TestPool): Promise<void> {
  if (pool.ending) return
  const ended = pool.end()
  if (checkedOut.size === 0) return ended
  ended.catch(() => {})
  await Promise.all([...checkedOut].map((client) => client.end().catch(() => {})))
}
