import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import { describe, expect, test } from 'vitest'
import { createWorkerHarness, type WorkerHarness } from '../../src/isolation/harness/worker-harness.ts'
import { capture, sharedServer, silent } from '../test-utils/clone-server.ts'
import { tempDir } from '../test-utils/temp-dir.ts'

// An app as suites have it: one pool, made once from DATABASE_URL before any test runs, never ended.
function appPool(harness: WorkerHarness): pg.Pool {
  const pool = new pg.Pool({ connectionString: harness.env.DATABASE_URL, max: 3 })
  return pool
}

const count = async (query: (sql: string) => Promise<pg.QueryResult>) =>
  (await query('SELECT count(*)::int AS n FROM users')).rows[0].n as number

describe('a worker harness: one DATABASE_URL for every isolation', () => {
  const server = sharedServer('embedded')
  const template = () => ({ migrations: 'migrations', seeds: ['seed.sql'], baseDir: server.dir })

  for (const isolation of ['transaction', 'database', 'reset'] as const) {
    test(`${isolation}: a module-level pool on DATABASE_URL writes in the test, db sees it, the next test does not`, async () => {
      await using harness = await createWorkerHarness({
        adminUrl: server.url,
        template: template(),
        isolation,
        progress: silent,
      })
      const app = appPool(harness)
      expect(await count((sql) => app.query(sql))).toBe(1) // between tests: the worker's database, read-only
      const first = await harness.beginTest('users > signs up')
      await Promise.all([1, 2, 3].map((n) => app.query('INSERT INTO users (email) VALUES ($1)', [`u${n}@example.com`])))
      expect(await count((sql) => first.db.query(sql))).toBe(4)
      await harness.endTest(first, { failed: false, testName: 'users > signs up' })
      const second = await harness.beginTest('users > lists')
      expect(await count((sql) => app.query(sql))).toBe(1)
      expect(await count((sql) => second.db.query(sql))).toBe(1)
      await harness.endTest(second, { failed: false, testName: 'users > lists' })
      await app.end()
    })
  }

  test("closing the harness leaves the app's pool connected and error-free, so a pool the app never ends crashes nothing", async () => {
    const harness = await createWorkerHarness({ adminUrl: server.url, template: template(), progress: silent })
    const errors: Error[] = []
    const app = appPool(harness)
    app.on('error', (error) => errors.push(error))
    const running = await harness.beginTest('a > b')
    await Promise.all([app.query('SELECT 1'), app.query('SELECT 2')])
    await harness.endTest(running, { failed: false, testName: 'a > b' })
    await harness.close()
    expect(app.idleCount).toBe(2)
    await app.end()
    expect(errors).toEqual([])
  })

  // What leaks: under `transaction` a row committed through a connection of the test's own; under
  // `reset` a table, which a reset does not undo.
  const leaks = {
    transaction: async (db: { url: string }) => {
      const own = new pg.Client({ connectionString: db.url })
      await own.connect()
      await own.query("INSERT INTO users (email) VALUES ('leaked@example.com')")
      await own.end()
    },
    reset: async (_db: unknown, app: pg.Pool) => {
      await app.query('CREATE TABLE notes (id int)')
    },
  }
  const leakedCount = async (query: (sql: string) => Promise<pg.QueryResult>) =>
    (
      await query(
        "SELECT count(*)::int + (to_regclass('notes') IS NOT NULL)::int AS n FROM users WHERE email <> 'seed@example.com'",
      )
    ).rows[0].n as number

  for (const isolation of ['transaction', 'reset'] as const) {
    test(`${isolation}: after a leak, checked or not, the endpoint serves the worker's fresh database between tests and in the next test, and lets go of the old one before it is dropped`, async () => {
      const progress = capture()
      await using harness = await createWorkerHarness({
        adminUrl: server.url,
        template: template(),
        isolation,
        progress,
      })
      const app = appPool(harness)
      for (const leakCheck of [false, true]) {
        const leaking = await harness.beginTest('notes > leaks', isolation, { leakCheck })
        await leaks[isolation](leaking.db, app)
        const ended = harness.endTest(leaking, { failed: false, testName: 'notes > leaks' })
        if (leakCheck) await expect(ended).rejects.toThrow("Changes leaked out of the test's isolation: notes > leaks")
        else await ended
        expect(await leakedCount((sql) => app.query(sql))).toBe(0)
        const next = await harness.beginTest('notes > finds none')
        expect(await leakedCount((sql) => app.query(sql))).toBe(0)
        await harness.endTest(next, { failed: false, testName: 'notes > finds none' })
      }
      await app.end()
      expect(progress.lines).toEqual([])
    })
  }

  test('transaction: db.pool runs in the same transaction as the app, through the endpoint', async () => {
    await using harness = await createWorkerHarness({ adminUrl: server.url, template: template(), progress: silent })
    const app = appPool(harness)
    const running = await harness.beginTest('orders > pays')
    await running.db.query("INSERT INTO users (email) VALUES ('from-db@example.com')")
    expect((await app.query("SELECT email FROM users WHERE email = 'from-db@example.com'")).rowCount).toBe(1)
    await harness.endTest(running, { failed: false, testName: 'orders > pays' })
    await app.end()
  })

  test('a statement transaction cannot run fails the test naming it, and the next run gives the test a database of its own, saying so', async () => {
    const escalationsFile = join(tempDir('testbed-escalations-'), 'escalations.jsonl')
    const options = { adminUrl: server.url, template: template(), escalationsFile, progress: silent }
    const name = 'stats.test.ts > vacuums the users table'
    {
      await using harness = await createWorkerHarness(options)
      const app = appPool(harness)
      const running = await harness.beginTest(name)
      await expect(app.query('VACUUM users')).rejects.toThrow('Cannot run VACUUM')
      const failure = await harness.endTest(running, { failed: false, testName: name }).catch((error: Error) => error)
      expect((failure as Error).message).toBe(
        [
          "[testbed] Cannot run VACUUM under isolation 'transaction': `VACUUM users`.",
          "PostgreSQL cannot run VACUUM inside a transaction block, and every statement of this test runs inside the test's transaction. Use isolation 'database' for this test.",
          `  • testbed remembers this test in ${escalationsFile}: from the next run on it gets a database of its own (isolation 'database'), and says so`,
          'Read more: node_modules/testbed/docs/errors.md#testbed_isolation_not_in_transaction',
        ].join('\n'),
      )
      await app.end()
    }
    expect(JSON.parse(readFileSync(escalationsFile, 'utf8'))).toEqual({
      test: name,
      label: 'VACUUM',
      statement: 'VACUUM users',
    })
    const progress = capture()
    await using harness = await createWorkerHarness({ ...options, progress })
    const app = appPool(harness)
    const running = await harness.beginTest(name)
    expect(running.isolation).toBe('database')
    await app.query('VACUUM users')
    await harness.endTest(running, { failed: false, testName: name })
    expect(progress.lines).toEqual([
      `${name} runs under isolation 'database': on an earlier run it sent VACUUM, which cannot run inside the test's transaction (remembered in ${escalationsFile}; delete its line to try 'transaction' again)`,
    ])
    await app.end()
  })
})
