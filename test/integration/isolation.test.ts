import { setTimeout } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { describe, expect, test } from 'vitest'
import { createIsolation, ISOLATION_NAMES } from '../../src/isolation/create-isolation.ts'
import { withClient } from '../test-utils/clients.ts'
import { postgresForFile } from '../test-utils/file-postgres.ts'

const template = {
  migrations: 'migrations',
  seeds: ['seed.sql'],
  baseDir: fileURLToPath(new URL('../fixtures/shop-schema/', import.meta.url)),
}

const server = postgresForFile()

/** Resolves once a session on `database` waits for a lock: a condition, not a delay. */
async function waitForLockWait(database: string): Promise<void> {
  const waits = `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'`
  await withClient(server.url, async (admin) => {
    while ((await admin.query(waits, [database])).rows[0].n === 0) await setTimeout(10)
  })
}

describe.concurrent('createIsolation()', () => {
  for (const strategy of ISOLATION_NAMES) {
    test(`${strategy}: every test starts from the template's schema and seed, and leaves nothing behind`, async () => {
      await using isolation = await createIsolation(server.url, { strategy, template })
      for (let round = 0; round < 3; round++) {
        const db = await isolation.begin()
        const before = await db.query('SELECT email FROM users ORDER BY id')
        expect(before.rows).toEqual([{ email: 'seed@example.com' }])
        const user = await db.query(`INSERT INTO users (email) VALUES ('round@example.com') RETURNING id`)
        await db.query('INSERT INTO orders (user_id, total_cents) VALUES ($1, 500)', [user.rows[0].id])
        await isolation.rollback(db)
      }
    })

    test(`${strategy}: db.pool is a real pg.Pool, as libraries that keep only a pg.Pool check`, async () => {
      await using isolation = await createIsolation(server.url, { strategy, template })
      const db = await isolation.begin()
      expect(db.pool).toBeInstanceOf(pg.Pool)
      expect((await db.pool.query('SELECT current_database() AS name')).rows).toEqual([{ name: db.name }])
      await isolation.rollback(db)
    })
  }

  for (const strategy of ISOLATION_NAMES) {
    test(`${strategy}: tests that run at the same time each see only their own rows`, async () => {
      await using isolation = await createIsolation(server.url, { strategy, template })
      const tests = await Promise.all(Array.from({ length: 5 }, () => isolation.begin()))
      await Promise.all(tests.map((db, n) => db.query('INSERT INTO users (email) VALUES ($1)', [`${n}@example.com`])))
      const seen = await Promise.all(tests.map((db) => db.query('SELECT email FROM users ORDER BY id')))
      expect(seen.map(({ rows }) => rows.map((row) => row.email))).toEqual(
        tests.map((_, n) => ['seed@example.com', `${n}@example.com`]),
      )
      await Promise.all(tests.map((db) => isolation.rollback(db)))
      const next = await isolation.begin()
      expect((await next.query('SELECT email FROM users')).rows).toEqual([{ email: 'seed@example.com' }])
      await isolation.rollback(next)
    })
  }

  test('transaction: concurrent tests share the worker’s database, each in its own transaction; reset gives each a database', async () => {
    await using transaction = await createIsolation(server.url, { strategy: 'transaction', template })
    await using reset = await createIsolation(server.url, { strategy: 'reset', template })
    const inTransactions = [await transaction.begin(), await transaction.begin()]
    const inResets = [await reset.begin(), await reset.begin()]
    expect(new Set(inTransactions.map((db) => db.name)).size).toBe(1)
    expect(new Set(inResets.map((db) => db.name)).size).toBe(2)
    for (const db of inTransactions) await transaction.rollback(db)
    for (const db of inResets) await reset.rollback(db)
  })

  test('transaction: a test inserting a unique key that a concurrent test holds waits until that test ends', async () => {
    await using isolation = await createIsolation(server.url, { strategy: 'transaction', template })
    const first = await isolation.begin()
    const second = await isolation.begin()
    await first.query(`INSERT INTO users (email) VALUES ('same@example.com')`)
    const waiting = second.query(`INSERT INTO users (email) VALUES ('same@example.com') RETURNING email`)
    await waitForLockWait(first.name)
    await isolation.rollback(first)
    expect((await waiting).rows).toEqual([{ email: 'same@example.com' }])
    await isolation.rollback(second)
  })

  test('reuses the template it built for the next caller', async () => {
    await using first = await createIsolation(server.url, { template })
    await using second = await createIsolation(server.url, { template })
    expect(second.template.name).toBe(first.template.name)
    expect(second.template.built).toBe(false)
  })

  test('rejects an unknown strategy, listing the known ones', async () => {
    await expect(createIsolation(server.url, { strategy: 'truncate' as never })).rejects.toThrow(
      '[testbed] Invalid option in createIsolation(): `strategy`.\n' +
        'Expected the `strategy` option to be one of `transaction`, `database`, `reset`, got `truncate` (string). ' +
        'Fix `strategy` in testbed.config.ts, or remove it to use the default.',
    )
  })
})
