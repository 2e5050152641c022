import pg from 'pg'
import { describe, expect, test, vi } from 'vitest'
import { createDatabasePool } from '../../src/isolation/database/database-pool.ts'
import { databaseStrategy } from '../../src/isolation/database/database-strategy.ts'
import { capture, exists, sharedServer, silent } from '../test-utils/clone-server.ts'

// Connections a test leaves open on its database, as apps leave their pools. The pools here record
// the errors they emit: an app pool without a listener would crash the worker with each of them.

const DROPPED = { timeout: 10_000, interval: 50 }
const FIX =
  "To fix: end the app's pool or client at the end of each test (`await pool.end()`, `await knex.destroy()`, `await prisma.$disconnect()`), or hand the app `db.pool`, which testbed ends itself"

function appPool(url: string, errors: Error[], applicationName?: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, application_name: applicationName })
  pool.on('error', (error) => errors.push(error))
  return pool
}

describe.concurrent('database isolation with connections left open', () => {
  const server = sharedServer('embedded')
  const gone = (name: string) => vi.waitFor(async () => expect(await exists(server.url, name)).toBe(false), DROPPED)

  test('with recycling off, drops a released database at once when nothing is connected to it', async () => {
    await using strategy = await databaseStrategy(server.url, server.template, { recycle: false, progress: silent })
    const db = await strategy.begin()
    await db.query("INSERT INTO users (email) VALUES ('a@example.com')")
    await strategy.rollback(db)
    await gone(db.name)
  })

  test("keeps a database while an app's connection is open on it, and drops it once that closes", async () => {
    const errors: Error[] = []
    await using strategy = await databaseStrategy(server.url, server.template, { recycle: false, progress: silent })
    const db = await strategy.begin()
    const app = appPool(db.url, errors)
    await app.query("INSERT INTO users (email) VALUES ('app@example.com')")
    await strategy.rollback(db, { failed: false, testName: 'leaves its pool open' })
    // A database released later is dropped by a sweep that also saw the first one still in use.
    const next = await strategy.begin()
    await strategy.rollback(next)
    await gone(next.name)
    expect(await exists(server.url, db.name)).toBe(true)
    await app.end()
    await gone(db.name)
    expect(errors).toEqual([])
  })

  test('closes the db.pool clients a test never released, so its database is dropped', async () => {
    await using strategy = await databaseStrategy(server.url, server.template, { progress: silent })
    const db = await strategy.begin()
    const held = await db.pool.connect()
    await held.query('SELECT 1')
    await strategy.rollback(db)
    await gone(db.name)
  })

  test('with maxPendingDrops databases waiting, the next test waits for one, and fails after pendingDropTimeout naming who left connections open', async () => {
    const errors: Error[] = []
    const progress = capture()
    const options = { maxPendingDrops: 2, pendingDropTimeout: 300, progress }
    await using strategy = await databaseStrategy(server.url, server.template, options)
    const apps: pg.Pool[] = []
    const names: string[] = []
    for (const testName of ['orders > pays', 'orders > refunds']) {
      const db = await strategy.begin()
      apps.push(appPool(db.url, errors, 'shop-api'))
      await apps.at(-1)?.query('SELECT 1')
      names.push(db.name)
      await strategy.rollback(db, { failed: false, testName })
    }
    const refused = await strategy.begin().catch((error: Error) => error)
    expect(refused).toMatchObject({ code: 'TESTBED_ISOLATION_CONNECTIONS_LEFT_OPEN' })
    expect((refused as Error).message).toBe(
      [
        '[testbed] No test database to hand out: earlier tests left connections open on theirs: 2 databases wait to be dropped.',
        "testbed drops a test's database only once its connections close, as ending them would crash an app pool without an 'error' listener, and none of these closed within 300 ms. End the app's pool or client at the end of each test (`await pool.end()`, `await knex.destroy()`, `await prisma.$disconnect()`), or hand the app `db.pool`, which testbed ends itself.",
        `  • orders > pays: 1 connection open on ${names[0]} (application_name shop-api)`,
        `  • orders > refunds: 1 connection open on ${names[1]} (application_name shop-api)`,
        'Read more: node_modules/testbed/docs/errors.md#testbed_isolation_connections_left_open',
      ].join('\n'),
    )
    expect(progress.lines).toEqual([
      `connection leak: orders > pays left 1 connection open on ${names[0]} (application_name shop-api); its database is dropped once they close. ${FIX}`,
      `connection leak: orders > refunds left 1 connection open on ${names[1]} (application_name shop-api); its database is dropped once they close. ${FIX}`,
      `2 test databases wait to be dropped until the connections their tests left open close, so the next test waits for one (pg.Pool closes idle connections after 10 s); end the app's pool or client at the end of each test (\`await pool.end()\`, \`await knex.destroy()\`, \`await prisma.$disconnect()\`), or hand the app \`db.pool\`, which testbed ends itself: orders > pays: 1 connection open on ${names[0]} (application_name shop-api); orders > refunds: 1 connection open on ${names[1]} (application_name shop-api)`,
    ])

    await apps[0]?.end()
    await gone(names[0] ?? '')
    const db = await strategy.begin()
    expect((await db.query('SELECT count(*)::int AS n FROM users')).rows).toEqual([{ n: 1 }])
    await strategy.rollback(db)
    await apps[1]?.end()
    expect(errors).toEqual([])
  })

  test("openConnections 'wait': the test's teardown waits for the app to close its connections, then drops its database", async () => {
    const errors: Error[] = []
    const progress = capture()
    await using strategy = await databaseStrategy(server.url, server.template, { openConnections: 'wait', progress })
    const db = await strategy.begin()
    const app = appPool(db.url, errors, 'worker-app')
    await app.query('SELECT 1')
    const rollback = strategy.rollback(db, { failed: false, testName: 'jobs > run' })
    // The app closes its pool while the teardown waits, which it has reported.
    await vi.waitFor(() => expect(progress.lines).toHaveLength(1))
    await app.end()
    await rollback
    expect(await exists(server.url, db.name)).toBe(false)
    expect(progress.lines).toEqual([
      `connection leak: jobs > run left 1 connection open on ${db.name} (application_name worker-app); its teardown waits for them to close. ${FIX}`,
    ])
    expect(errors).toEqual([])
  })

  test("openConnections 'wait': after openConnectionsTimeout the database is left to drop once they close, without an error", async () => {
    const errors: Error[] = []
    const options = { openConnections: 'wait', openConnectionsTimeout: 200, progress: silent } as const
    await using strategy = await databaseStrategy(server.url, server.template, options)
    const db = await strategy.begin()
    const app = appPool(db.url, errors)
    await app.query('SELECT 1')
    await strategy.rollback(db)
    expect(await exists(server.url, db.name)).toBe(true)
    await app.end()
    await gone(db.name)
    expect(errors).toEqual([])
  })

  test("openConnections 'terminate': ends the app's connections and drops the database at once, naming the test", async () => {
    const errors: Error[] = []
    const progress = capture()
    const options = { openConnections: 'terminate', progress } as const
    await using strategy = await databaseStrategy(server.url, server.template, options)
    const db = await strategy.begin()
    const app = appPool(db.url, errors, 'api')
    await Promise.all([app.query('SELECT 1'), app.query('SELECT 2')])
    await strategy.rollback(db, { failed: false, testName: 'api > lists' })
    expect(await exists(server.url, db.name)).toBe(false)
    expect(progress.lines).toEqual([
      `connection leak: api > lists left 2 connections open on ${db.name} (application_name api); testbed ends them to drop its database. ${FIX}`,
    ])
    await vi.waitFor(() => expect(errors.map((error) => (error as { code?: string }).code)).toEqual(['57P01', '57P01']))
    await app.end()
  })

  test('close() leaves a database with an open connection to a later pool, which drops it once unused', async () => {
    const errors: Error[] = []
    const pool = await createDatabasePool(server.url, server.template, { size: 1, progress: silent })
    const lease = await pool.acquire()
    const app = appPool(lease.url, errors)
    await app.query('SELECT 1')
    await pool.release(lease.name)
    await pool.close()
    expect(await exists(server.url, lease.name)).toBe(true)
    // A pool starting sweeps orphans: not this one, while the app's connection is open.
    await (await createDatabasePool(server.url, server.template, { size: 1, progress: silent })).close()
    expect(await exists(server.url, lease.name)).toBe(true)
    await app.end()
    await vi.waitFor(async () => {
      await (await createDatabasePool(server.url, server.template, { size: 1, progress: silent })).close()
      expect(await exists(server.url, lease.name)).toBe(false)
    }, DROPPED)
    expect(errors).toEqual([])
  })
})
