import { fileURLToPath } from 'node:url'
import type pg from 'pg'
import { describe, expect, test } from 'vitest'
import { createIsolation } from '../../src/isolation/create-isolation.ts'
import { LeakCheck } from '../../src/isolation/leak-check/leak-check.ts'
import { withClient } from '../test-utils/clients.ts'
import { postgresForFile } from '../test-utils/file-postgres.ts'

const template = {
  migrations: 'migrations',
  seeds: ['seed.sql'],
  baseDir: fileURLToPath(new URL('../fixtures/shop-schema/', import.meta.url)),
}

const server = postgresForFile()

const TURN_OFF =
  'turn the check off with `leakCheck: false` (in testbed.config.ts, `test.override({ leakCheck: false })` or the test’s `meta`)'
const TRANSACTION_LEAK =
  "The database did not return to its starting state after the test, which usually means the test committed through a connection of its own instead of the test's `db` pool. " +
  `Run every query through \`db.pool\` / \`db.query\` (or use isolation 'database' for code that must open its own connections), or ${TURN_OFF}.`

const emails = async (db: { query: pg.Pool['query'] }) =>
  (await db.query('SELECT email FROM users ORDER BY id')).rows.map((row) => row.email)

describe.concurrent("the leak check under isolation 'transaction'", () => {
  test('fails a test whose own connection committed changes that keep the row counts, naming each table, and the next test starts clean', async () => {
    await using isolation = await createIsolation(server.url, { strategy: 'transaction', template })
    const db = await isolation.begin()
    await withClient(db.url, async (own) => {
      await own.query(`UPDATE users SET email = 'changed@example.com'`)
      await own.query('INSERT INTO orders (user_id, total_cents) VALUES (1, 500)')
      await own.query('DELETE FROM orders')
    })
    await expect(isolation.rollback(db, { testName: 'checkout > pays' })).rejects.toThrow(
      "[testbed] Changes leaked out of the test's isolation: checkout > pays.\n" +
        `${TRANSACTION_LEAK}\n` +
        '  • public.orders: rows inserted and deleted (0 rows before, 0 after)\n' +
        '  • public.users: rows updated (1 row before, 1 after)',
    )
    const next = await isolation.begin()
    expect(await emails(next)).toEqual(['seed@example.com'])
    await isolation.rollback(next)
  })

  test("names tables created, altered and dropped through another connection; the test's own DDL rolls back unseen", async () => {
    await using isolation = await createIsolation(server.url, { strategy: 'transaction', template })
    const db = await isolation.begin()
    await db.query('CREATE TABLE mine (id int)')
    await withClient(db.url, async (own) => {
      await own.query('CREATE TABLE scratch (id int)')
      await own.query('ALTER TABLE users ADD COLUMN nickname text')
      await own.query('DROP TABLE orders')
    })
    await expect(isolation.rollback(db, { testName: 'migrates by hand' })).rejects.toThrow(
      "[testbed] Changes leaked out of the test's isolation: migrates by hand.\n" +
        `${TRANSACTION_LEAK}\n` +
        '  • public.scratch: table created\n' +
        '  • public.users: table altered\n' +
        '  • public.orders: table dropped',
    )
    const next = await isolation.begin()
    const tables = await next.query(`SELECT to_regclass('scratch') AS scratch, to_regclass('orders')::text AS orders`)
    expect(tables.rows).toEqual([{ scratch: null, orders: 'orders' }])
    await isolation.rollback(next)
  })

  test('stays quiet when every write, TRUNCATE and CREATE went through the test’s own pool', async () => {
    await using isolation = await createIsolation(server.url, { strategy: 'transaction', template })
    const db = await isolation.begin()
    await db.query(`INSERT INTO users (email) VALUES ('fine@example.com')`)
    await db.query(`UPDATE users SET worker = 'me'`)
    await db.query('TRUNCATE orders')
    await db.query('CREATE TABLE mine (id int)')
    await expect(isolation.rollback(db)).resolves.toBeUndefined()
  })

  test('a test that turns the check off is not failed, but the database it leaked into is replaced', async () => {
    await using isolation = await createIsolation(server.url, { strategy: 'transaction', template })
    const db = await isolation.begin({ leakCheck: false })
    await withClient(db.url, (own) => own.query(`INSERT INTO users (email) VALUES ('kept@example.com')`))
    await expect(isolation.rollback(db)).resolves.toBeUndefined()
    const next = await isolation.begin()
    expect(next.name).not.toBe(db.name)
    expect(await emails(next)).toEqual(['seed@example.com'])
    await isolation.rollback(next)
  })

  test('with the check off, a commit stays for later tests until a test asks for the check', async () => {
    await using isolation = await createIsolation(server.url, { strategy: 'transaction', template, leakCheck: false })
    const db = await isolation.begin()
    await withClient(db.url, (own) => own.query(`INSERT INTO users (email) VALUES ('stays@example.com')`))
    await isolation.rollback(db)
    const checked = await isolation.begin({ leakCheck: true })
    expect(await emails(checked)).toEqual(['seed@example.com', 'stays@example.com'])
    await withClient(db.url, (own) => own.query(`DELETE FROM users WHERE email = 'stays@example.com'`))
    await expect(isolation.rollback(checked, { testName: 'asks' })).rejects.toThrow(
      '  • public.users: rows deleted (2 rows before, 1 after)',
    )
  })

  test('among concurrent tests, the first to end after a leak reports it once, saying who ran beside it', async () => {
    await using isolation = await createIsolation(server.url, { strategy: 'transaction', template })
    const first = await isolation.begin()
    const second = await isolation.begin()
    await withClient(first.url, (own) => own.query(`INSERT INTO users (email) VALUES ('whose@example.com')`))
    await expect(isolation.rollback(first, { testName: 'first' })).rejects.toThrow(
      "[testbed] Changes leaked out of the test's isolation: first.\n" +
        `${TRANSACTION_LEAK}\n` +
        '  • public.users: rows inserted (1 row before, 2 after)\n' +
        '  • 1 other test ran in this database at the same time: the change may be theirs',
    )
    await expect(isolation.rollback(second, { testName: 'second' })).resolves.toBeUndefined()
    const next = await isolation.begin()
    expect(await emails(next)).toEqual(['seed@example.com'])
    await isolation.rollback(next)
  })
})

describe.concurrent("the leak check under isolation 'reset'", () => {
  test('fails a test that created a table, which a reset cannot undo, and the next test starts without it', async () => {
    await using isolation = await createIsolation(server.url, { strategy: 'reset', template })
    const db = await isolation.begin()
    await db.query('CREATE TABLE scratch (id int)')
    await db.query(`INSERT INTO users (email) VALUES ('reset@example.com')`)
    await expect(isolation.rollback(db, { testName: 'keeps notes' })).rejects.toThrow(
      "[testbed] Changes leaked out of the test's isolation: keeps notes.\n" +
        "Isolation 'reset' puts back the rows of the tables a test wrote, but not the schema: what a test creates, alters or drops stays. " +
        `Change the schema in a migration rather than in a test (or use isolation 'database' for tests that must), or ${TURN_OFF}.\n` +
        '  • public.scratch: table created',
    )
    const next = await isolation.begin()
    expect((await next.query(`SELECT to_regclass('scratch') AS scratch`)).rows).toEqual([{ scratch: null }])
    await isolation.rollback(next)
  })

  test('stays quiet about rows the reset puts back', async () => {
    await using isolation = await createIsolation(server.url, { strategy: 'reset', template })
    const db = await isolation.begin()
    await db.query(`INSERT INTO users (email) VALUES ('back@example.com')`)
    await db.query(`UPDATE users SET worker = 'me'`)
    await db.query('TRUNCATE orders')
    await expect(isolation.rollback(db)).resolves.toBeUndefined()
  })
})

describe('LeakCheck without superuser rights', () => {
  test('compares a catalog fingerprint instead of event triggers: relations created, dropped or given columns, and rows as usual', async () => {
    const url = await databaseOwnedByPlainRole()
    await withClient(url, (owner) =>
      owner.query('CREATE TABLE notes (id serial PRIMARY KEY, body text); CREATE TABLE old (id int)'),
    )
    await using check = await LeakCheck.open(url)
    expect(check.schemaTracking).toBe('catalog')
    await withClient(url, async (other) => {
      await other.query(`INSERT INTO notes (body) VALUES ('left')`)
      await other.query('CREATE TABLE scratch (id int)')
      await other.query('ALTER TABLE notes ADD COLUMN title text')
      await other.query('DROP TABLE old')
    })
    expect(await check.find()).toEqual([
      { object: 'public.notes', change: 'rows inserted (0 rows before, 1 after)' },
      { object: 'public.notes', change: 'table altered' },
      { object: 'public.old', change: 'table dropped' },
      { object: 'public.scratch', change: 'table created' },
    ])
    expect(await check.find()).toEqual([])
  })
})

let plainDatabases = 0
const PLAIN_PASSWORD = 'plain-role-password'

/** A database owned by a role without superuser rights, and a URL that logs in as that role. */
async function databaseOwnedByPlainRole(): Promise<string> {
  const name = `plain_${++plainDatabases}`
  await withClient(server.url, async (admin) => {
    await admin.query(`DO $$ BEGIN CREATE ROLE plain LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$`)
    // Servers testbed starts take passwords over TCP (decisions/0013).
    await admin.query(`ALTER ROLE plain PASSWORD '${PLAIN_PASSWORD}'`)
    await admin.query(`CREATE DATABASE ${name} OWNER plain`)
  })
  const url = new URL(server.url)
  url.username = 'plain'
  url.password = PLAIN_PASSWORD
  url.pathname = `/${name}`
  return url.toString()
}
