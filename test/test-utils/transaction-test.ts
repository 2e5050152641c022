import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, test } from 'vitest'
import { transactionStrategy } from '../../src/isolation/transaction/transaction-strategy.ts'
import { postgres } from '../../src/services/postgres/postgres-service.ts'
import { startServices } from '../../src/services/service-set.ts'
import { withClient } from './clients.ts'

let databases = 0
let adminUrl = ''
let stopServer = async () => {}

// Hooks, not a file-scoped fixture: a fixture is torn down after the setup file's check that no
// server is left running, hooks before it. Every file that imports this gets its own server.
beforeAll(async () => {
  const projectDir = mkdtempSync(join(tmpdir(), 'testbed-test-'))
  const set = await startServices({ db: postgres() }, { projectDir })
  adminUrl = set.services[0]?.url ?? ''
  stopServer = async () => {
    await set.stop()
    rmSync(projectDir, { recursive: true, force: true })
  }
})

afterAll(() => stopServer())

/**
 * Vitest's `test` with fixtures for code under isolation 'transaction', on a real PostgreSQL that
 * testbed starts once per test file: `url` (a fresh database with an `items` table that exists
 * outside the test's transaction), `strategy` (isolation 'transaction' on it) and `db` (a test
 * begun on it, rolled back after the test).
 */
export const transactionTest = test
  .extend('url', async () => freshDatabase())
  .extend('strategy', async ({ url }, { onCleanup }) => {
    const strategy = transactionStrategy(url)
    onCleanup(() => strategy.close())
    return strategy
  })
  .extend('db', async ({ strategy }, { onCleanup }) => {
    const db = await strategy.begin()
    onCleanup(() => strategy.rollback(db))
    return db
  })

/** The URL of `database` on this file's server (its admin database by default). */
export function serverUrl(database = 'postgres'): string {
  const url = new URL(adminUrl)
  url.pathname = `/${database}`
  return url.toString()
}

/** A database of its own, with an `items` table that exists outside any test's transaction. */
export async function freshDatabase(): Promise<string> {
  const name = `transaction_test_${++databases}`
  await withClient(serverUrl(), (admin) => admin.query(`CREATE DATABASE ${name}`))
  const url = serverUrl(name)
  await withClient(url, (client) =>
    client.query('CREATE TABLE items (id serial PRIMARY KEY, name text UNIQUE NOT NULL)'),
  )
  return url
}

/** How many rows of `items` a connection of its own sees at `url`: the committed ones only. */
export function committedItemCount(url: string): Promise<number | null> {
  return withClient(url, async (client) => (await client.query('SELECT * FROM items')).rowCount)
}

export { withClient } from './clients.ts'
