import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, test, vi } from 'vitest'
import { createDatabasePool } from '../../src/isolation/database/database-pool.ts'
import { databaseStrategy } from '../../src/isolation/database/database-strategy.ts'
import { withClient } from '../test-utils/clients.ts'
import {
  capture,
  clonesOf,
  emails,
  exists,
  leaseHolder,
  rows,
  sharedServer,
  silent,
  usersTemplate,
} from '../test-utils/clone-server.ts'

const exec = promisify(execFile)

describe.concurrent('the database strategy on embedded PostgreSQL', () => {
  const server = sharedServer('embedded')

  test('each begin() hands out its own database, cloned with the schema and seed rows', async () => {
    await using strategy = await databaseStrategy(server.url, server.template, { progress: silent })
    const first = await strategy.begin()
    const second = await strategy.begin()
    expect(first.strategy).toBe('database')
    expect(first.name).not.toBe(second.name)
    expect(first.url).toBe(server.url.replace(/\/postgres$/, `/${first.name}`))
    expect(await emails(first.url)).toEqual(['seed@example.com'])
    expect((await second.query('SELECT email FROM users')).rows).toEqual([{ email: 'seed@example.com' }])
    await strategy.rollback(first)
    await strategy.rollback(second)
  })

  test('rows committed through several connections and by another process are gone in the next test', async () => {
    await using strategy = await databaseStrategy(server.url, server.template, { size: 1, progress: silent })
    const db = await strategy.begin()
    await withClient(db.url, async (a) => {
      await withClient(db.url, async (b) => {
        await a.query('BEGIN')
        await a.query("INSERT INTO users (email) VALUES ('a@example.com')")
        expect((await b.query('SELECT count(*)::int AS n FROM users')).rows).toEqual([{ n: 1 }])
        await a.query('COMMIT')
        expect((await b.query('SELECT count(*)::int AS n FROM users')).rows).toEqual([{ n: 2 }])
        await b.query("INSERT INTO users (email) VALUES ('b@example.com')")
      })
    })
    await exec('psql', [db.url, '-v', 'ON_ERROR_STOP=1', '-c', "INSERT INTO users (email) VALUES ('psql@example.com')"])
    await db.query("INSERT INTO users (email) VALUES ('pool@example.com')")
    expect(await emails(db.url)).toEqual([
      'seed@example.com',
      'a@example.com',
      'b@example.com',
      'psql@example.com',
      'pool@example.com',
    ])
    await strategy.rollback(db)
    const next = await strategy.begin()
    expect(await emails(next.url)).toEqual(['seed@example.com'])
    await strategy.rollback(next)
    await strategy.close()
    expect(await exists(server.url, db.name)).toBe(false)
  })

  test('two pools in parallel (two workers) never hand out the same database', async () => {
    await using a = await createDatabasePool(server.url, server.template, { progress: silent })
    await using b = await createDatabasePool(server.url, server.template, { progress: silent })
    const acquireSix = (pool: typeof a) => Promise.all(Array.from({ length: 6 }, () => pool.acquire()))
    const [fromA, fromB] = await Promise.all([acquireSix(a), acquireSix(b)])
    const names = [...fromA, ...fromB].map((lease) => lease.name)
    expect(new Set(names).size).toBe(12)
    const holdersA = new Set(await Promise.all(fromA.map((lease) => leaseHolder(server.url, lease.name))))
    const holdersB = new Set(await Promise.all(fromB.map((lease) => leaseHolder(server.url, lease.name))))
    expect(holdersA.size).toBe(1)
    expect(holdersB.size).toBe(1)
    expect([...holdersA][0]).not.toBe([...holdersB][0])
  })

  test('keepOnFailure keeps a failed test’s database and prints how to open it with psql', async () => {
    const progress = capture()
    const strategy = await databaseStrategy(server.url, server.template, { keepOnFailure: true, progress })
    const failed = await strategy.begin()
    await failed.query("INSERT INTO users (email) VALUES ('failed@example.com')")
    await strategy.rollback(failed, { failed: true })
    const passed = await strategy.begin()
    await strategy.rollback(passed, { failed: false })
    await strategy.close()

    const port = new URL(server.url).port
    expect(progress.lines).toEqual([
      `kept database ${failed.name} for the failed test: psql postgresql://postgres:***@127.0.0.1:${port}/${failed.name}`,
    ])
    expect(await emails(failed.url)).toEqual(['seed@example.com', 'failed@example.com'])
    expect(await exists(server.url, passed.name)).toBe(false)
    // A pool starting later must not take the kept database for an orphan.
    await (await createDatabasePool(server.url, server.template, { size: 1, progress: silent })).close()
    expect(await exists(server.url, failed.name)).toBe(true)
    await rows(server.url, `DROP DATABASE ${failed.name} WITH (FORCE)`)
  })

  test('close() waits for clones being made, then drops the ready and leased ones', async () => {
    const template = await usersTemplate(server.url, mkdtempSync(join(server.dir, 'close-')), randomUUID())
    const pool = await createDatabasePool(server.url, template, { size: 3, progress: silent })
    const leased = await pool.acquire()
    await pool.close()
    expect(await clonesOf(server.url, template)).toEqual([])
    expect(await exists(server.url, leased.name)).toBe(false)
    await expect(pool.acquire()).rejects.toMatchObject({ code: 'TESTBED_ISOLATION_CLONE_POOL_CLOSED' })
  })

  test('acquire() waits for a clone when none is ready, and every caller gets its own', async () => {
    await using pool = await createDatabasePool(server.url, server.template, { size: 1, progress: silent })
    const leases = await Promise.all(Array.from({ length: 4 }, () => pool.acquire()))
    expect(new Set(leases.map((lease) => lease.name)).size).toBe(4)
    for (const lease of leases) expect(await emails(lease.url)).toEqual(['seed@example.com'])
  })

  test('clones with FILE_COPY on a server with fsync off, and with WAL_LOG when asked', async () => {
    await using auto = await createDatabasePool(server.url, server.template, { size: 1, progress: silent })
    await using walLog = await createDatabasePool(server.url, server.template, {
      size: 1,
      strategy: 'WAL_LOG',
      progress: silent,
    })
    expect([auto.strategy, walLog.strategy]).toEqual(['FILE_COPY', 'WAL_LOG'])
    expect(await emails((await walLog.acquire()).url)).toEqual(['seed@example.com'])
  })

  test('release() of a database the pool did not lease is refused', async () => {
    await using pool = await createDatabasePool(server.url, server.template, { size: 1, progress: silent })
    const { name } = await pool.acquire()
    await pool.release(name)
    await expect(pool.release(name)).rejects.toThrow(
      [
        `[testbed] release() got a database this pool did not lease: ${name}.`,
        'It was released already, or it came from another pool. Release each database once, to the pool whose acquire() returned it.',
      ].join('\n'),
    )
  })

  test('a pool for a template that is gone says so', async () => {
    const missing = { name: 'testbed_tpl_0000000000000000', hash: '0'.repeat(64) }
    await expect(createDatabasePool(server.url, missing, { progress: silent })).rejects.toThrow(
      [
        '[testbed] createDatabasePool() found no template: testbed_tpl_0000000000000000.',
        'It was dropped after ensureTemplate() returned it, or it was never built on this server. Call ensureTemplate() on the same server right before creating the pool.',
      ].join('\n'),
    )
  })
})

// Orphans made here would be swept by any pool starting at the same time, so these run on a server of their own, one at a time.
describe('pools whose control connection died', () => {
  const server = sharedServer('embedded')

  test('clones left by a pool whose connection died are dropped when the next pool starts', async () => {
    const template = await usersTemplate(server.url, mkdtempSync(join(server.dir, 'dead-')), randomUUID())
    const dead = await createDatabasePool(server.url, template, { size: 2, progress: silent })
    const leased = await dead.acquire()
    await dead.warm()
    const left = await clonesOf(server.url, template)
    expect(left).toHaveLength(3)
    // What a killed worker leaves: its session ends, and nobody drops its clones.
    await rows(server.url, 'SELECT pg_terminate_backend($1)', [await leaseHolder(server.url, leased.name)])
    await vi.waitFor(() => expect(dead.warm()).rejects.toMatchObject({ code: 'TESTBED_ISOLATION_CLONE_POOL_LOST' }))

    const progress = capture()
    const next = await createDatabasePool(server.url, template, { size: 1, progress })
    expect(progress.lines).toEqual(['done: dropped 3 test database(s) left by processes that died'])
    await next.warm()
    const now = await clonesOf(server.url, template)
    expect(now).toHaveLength(1)
    expect(left).not.toContain(now[0])
    await next.close()
    await dead.close()
    expect(await clonesOf(server.url, template)).toEqual([])
  })

  test('a lost pool says so when asked for a database', async () => {
    const template = await usersTemplate(server.url, mkdtempSync(join(server.dir, 'lost-')), randomUUID())
    const pool = await createDatabasePool(server.url, template, { size: 1, progress: silent })
    const { name } = await pool.acquire()
    await rows(server.url, 'SELECT pg_terminate_backend($1)', [await leaseHolder(server.url, name)])
    await vi.waitFor(() => expect(pool.warm()).rejects.toThrow(/lost its control connection/))
    const error = await pool.acquire().catch((thrown: Error) => thrown)
    const port = new URL(server.url).port
    expect((error as Error).message).toBe(
      [
        `[testbed] The database pool lost its control connection: postgresql://postgres:***@127.0.0.1:${port}/postgres.`,
        'Its clones are leased through that connection, so another pool may already have dropped them as orphans; the server may have stopped or restarted. Create a new pool; if the server stopped, start the test run again.',
        'Read more: node_modules/testbed/docs/errors.md#testbed_isolation_clone_pool_lost',
      ].join('\n'),
    )
    await pool.close()
  })
})

describe('the database strategy on local PostgreSQL 15', () => {
  const server = sharedServer('local')

  test('hands out clones of the template (CREATE DATABASE … STRATEGY on 15)', async () => {
    await using strategy = await databaseStrategy(server.url, server.template, { progress: silent })
    const db = await strategy.begin()
    expect((await db.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version).toMatch(/^15\./)
    expect(await emails(db.url)).toEqual(['seed@example.com'])
    expect(strategy.clones.strategy).toBe('FILE_COPY')
    await strategy.rollback(db)
  })
})

describe('createDatabasePool() options', () => {
  test('rejects an invalid size before connecting', async () => {
    const template = { name: 'testbed_tpl_0000000000000000', hash: '0'.repeat(64) }
    await expect(createDatabasePool('postgresql://unused', template, { size: 0 })).rejects.toThrow(
      [
        '[testbed] Invalid option in createDatabasePool(): `size`.',
        'Expected the `size` option to be a positive integer, got `0` (number). Fix `size` in testbed.config.ts, or remove it to use the default.',
      ].join('\n'),
    )
  })

  test('rejects a maxPendingDrops that is not a positive integer, and a pendingDropTimeout that is not a positive number', async () => {
    const template = { name: 'testbed_tpl_0000000000000000', hash: '0'.repeat(64) }
    await expect(createDatabasePool('postgresql://unused', template, { maxPendingDrops: 1.5 })).rejects.toThrow(
      [
        '[testbed] Invalid option in createDatabasePool(): `maxPendingDrops`.',
        'Expected the `maxPendingDrops` option to be a positive integer, got `1.5` (number). Fix `maxPendingDrops` in testbed.config.ts, or remove it to use the default.',
      ].join('\n'),
    )
    await expect(createDatabasePool('postgresql://unused', template, { pendingDropTimeout: -1 })).rejects.toThrow(
      [
        '[testbed] Invalid option in createDatabasePool(): `pendingDropTimeout`.',
        'Expected the `pendingDropTimeout` option to be a positive number of milliseconds, got `-1` (number). Fix `pendingDropTimeout` in testbed.config.ts, or remove it to use the default.',
      ].join('\n'),
    )
  })

  test('rejects an unknown strategy', async () => {
    const template = { name: 'testbed_tpl_0000000000000000', hash: '0'.repeat(64) }
    // @ts-expect-error: a strategy the type does not allow, as a JavaScript caller could pass
    const pool = createDatabasePool('postgresql://unused', template, { strategy: 'COPY' })
    await expect(pool).rejects.toThrow(
      [
        '[testbed] Invalid option in createDatabasePool(): `strategy`.',
        'Expected the `strategy` option to be one of `auto`, `FILE_COPY`, `WAL_LOG`, got `COPY` (string). Fix `strategy` in testbed.config.ts, or remove it to use the default.',
      ].join('\n'),
    )
  })
})
