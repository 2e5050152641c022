import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { describe, expect, test } from 'vitest'
import { createIsolation, ISOLATION_NAMES } from '../../src/isolation/create-isolation.ts'
import { postgresForFile } from '../test-utils/file-postgres.ts'

const template = {
  migrations: 'migrations',
  seeds: ['seed.sql'],
  baseDir: fileURLToPath(new URL('../fixtures/shop-schema/', import.meta.url)),
}

const server = postgresForFile()

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

describe('the leak check', () => {
  test('catches a test that commits through a connection of its own, then gives the next test a clean database', async () => {
    await using isolation = await createIsolation(server.url, { strategy: 'transaction', template, leakCheck: true })
    const db = await isolation.begin()
    const own = new pg.Client(db.url)
    await own.connect()
    await own.query(`INSERT INTO users (email) VALUES ('leak-1@example.com'), ('leak-2@example.com')`)
    await own.end()

    await expect(isolation.rollback(db, { testName: 'signup > stores the user' })).rejects.toThrow(
      "[testbed] Rows leaked out of the test's isolation in 1 table: signup > stores the user.\n" +
        "The database did not return to its starting rows after the test, which usually means the test committed through a connection of its own instead of the test's `db` pool. " +
        "Run every query through `db.pool` / `db.query` (or use isolation 'database' for code that must open its own connections), or turn the check off with `leakCheck: false`.\n" +
        '  • public.users: 1 row before, 3 after (+2)',
    )
    const next = await isolation.begin()
    expect((await next.query('SELECT email FROM users')).rows).toEqual([{ email: 'seed@example.com' }])
    await isolation.rollback(next)
  })

  test('stays quiet when the test used only its own pool', async () => {
    await using isolation = await createIsolation(server.url, { strategy: 'transaction', template, leakCheck: true })
    const db = await isolation.begin()
    await db.query(`INSERT INTO users (email) VALUES ('fine@example.com')`)
    await expect(isolation.rollback(db)).resolves.toBeUndefined()
  })
})
