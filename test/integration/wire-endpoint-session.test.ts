import type pg from 'pg'
import { describe, expect } from 'vitest'
import { connectedClient } from '../test-utils/clients.ts'
import { endpointTest as test } from '../test-utils/endpoint-test.ts'

async function show(client: pg.Client, setting: string): Promise<string> {
  const { rows } = await client.query<Record<string, string>>(`SHOW ${setting}`)
  return Object.values(rows[0] ?? {})[0] ?? ''
}

/** The notifications `client` receives from now on. */
function notificationsOf(client: pg.Client): Array<{ channel: string; payload?: string }> {
  const received: Array<{ channel: string; payload?: string }> = []
  client.on('notification', ({ channel, payload }) => received.push({ channel, payload }))
  return received
}

describe.concurrent('wire endpoint sessions', () => {
  test("keeps each client's SET to itself, across tests, though all share one server session", async ({
    begun,
    url,
  }) => {
    const [first, second] = await Promise.all([connectedClient(begun.url), connectedClient(begun.url)])
    await first.query('SET search_path TO first_schema, public')
    await first.query("SET application_name = 'first'")
    expect(await show(second, 'search_path')).toBe('"$user", public')
    expect(await show(first, 'search_path')).toBe('first_schema, public')
    expect(await show(second, 'application_name')).toBe('')
    await begun.endTest()
    await begun.beginTest({ isolation: 'transaction', url })
    expect(await show(first, 'application_name')).toBe('first')
    expect(await show(second, 'application_name')).toBe('')
    await Promise.all([first.end(), second.end()])
  })

  test('gives each client the settings it connected with', async ({ begun }) => {
    const api = await connectedClient(begun.url, { application_name: 'api', options: '-c statement_timeout=1234' })
    const worker = await connectedClient(begun.url, { application_name: 'worker' })
    expect(await show(api, 'application_name')).toBe('api')
    expect(await show(worker, 'application_name')).toBe('worker')
    expect(await show(api, 'statement_timeout')).toBe('1234ms')
    expect(await show(worker, 'statement_timeout')).toBe('0')
    await Promise.all([api.end(), worker.end()])
  })

  test("undoes a client's SET inside an app transaction it rolls back, and keeps one it commits", async ({ begun }) => {
    const client = await connectedClient(begun.url)
    await client.query("BEGIN; SET application_name = 'rolled back'; ROLLBACK")
    expect(await show(client, 'application_name')).toBe('')
    await client.query("BEGIN; SET application_name = 'committed'; COMMIT")
    const other = await connectedClient(begun.url)
    expect(await show(other, 'application_name')).toBe('')
    expect(await show(client, 'application_name')).toBe('committed')
    await Promise.all([client.end(), other.end()])
  })

  test('a SET LOCAL ends with the app transaction, as on PostgreSQL', async ({ begun }) => {
    const client = await connectedClient(begun.url)
    await client.query('BEGIN')
    await client.query("SET LOCAL application_name = 'local'")
    expect(await show(client, 'application_name')).toBe('local')
    await client.query('COMMIT')
    expect(await show(client, 'application_name')).toBe('')
    await client.query("SET LOCAL application_name = 'outside a transaction'")
    expect(await show(client, 'application_name')).toBe('')
    await client.end()
  })

  test('delivers NOTIFY to the clients that LISTEN, at once outside a transaction and at COMMIT inside one', async ({
    begun,
  }) => {
    const [listener, sender] = await Promise.all([connectedClient(begun.url), connectedClient(begun.url)])
    const received = notificationsOf(listener)
    await listener.query('LISTEN orders')
    await sender.query("NOTIFY orders, 'outside'")
    await sender.query('BEGIN')
    await sender.query("NOTIFY orders, 'inside'")
    await sender.query("NOTIFY orders, 'inside'")
    await listener.query('SELECT 1')
    expect(received).toEqual([{ channel: 'orders', payload: 'outside' }])
    await sender.query('COMMIT')
    await sender.query("BEGIN; NOTIFY orders, 'rolled back'; ROLLBACK")
    await sender.query('NOTIFY other_channel')
    await listener.query('UNLISTEN *')
    await sender.query("NOTIFY orders, 'after unlisten'")
    await listener.query('SELECT 1')
    expect(received).toEqual([
      { channel: 'orders', payload: 'outside' },
      { channel: 'orders', payload: 'inside' },
    ])
    await Promise.all([listener.end(), sender.end()])
  })

  test('delivers SELECT pg_notify(…) with literal or bound arguments, like NOTIFY', async ({ begun }) => {
    const [listener, sender] = await Promise.all([connectedClient(begun.url), connectedClient(begun.url)])
    const received = notificationsOf(listener)
    await listener.query('LISTEN "Orders"')
    await sender.query("SELECT pg_notify('Orders', 'literal')")
    await sender.query('BEGIN')
    await sender.query('SELECT pg_notify($1, $2)', ['Orders', 'bound'])
    await listener.query('SELECT 1')
    expect(received).toEqual([{ channel: 'Orders', payload: 'literal' }])
    await sender.query('COMMIT')
    await listener.query('SELECT 1')
    expect(received).toEqual([
      { channel: 'Orders', payload: 'literal' },
      { channel: 'Orders', payload: 'bound' },
    ])
    await Promise.all([listener.end(), sender.end()])
  })

  test('session advisory locks exclude one client from another, and go when their client leaves', async ({ begun }) => {
    const [first, second] = await Promise.all([connectedClient(begun.url), connectedClient(begun.url)])
    const tryLock = async (client: pg.Client, key: number) =>
      (await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [key])).rows[0]?.locked
    await first.query('SELECT pg_advisory_lock(42)')
    expect(await tryLock(second, 42)).toBe(false)
    const waiting = second.query('SELECT pg_advisory_lock(42)')
    // The blocked lock holds up nobody else: the first client works on, then unlocks.
    await first.query("INSERT INTO items (name) VALUES ('while the second waits')")
    expect((await first.query('SELECT pg_advisory_unlock(42) AS unlocked')).rows).toEqual([{ unlocked: true }])
    await waiting
    expect(await tryLock(first, 42)).toBe(false)
    // The second client leaves holding the lock: the first one's wait for it ends.
    const firstWaits = first.query('SELECT pg_advisory_lock(42)')
    await second.end()
    await firstWaits
    await first.end()
  })

  test('a session advisory lock a test kept goes when the test ends', async ({ begun, url }) => {
    const [first, second] = await Promise.all([connectedClient(begun.url), connectedClient(begun.url)])
    await first.query('SELECT pg_advisory_lock(7)')
    await begun.endTest()
    await begun.beginTest({ isolation: 'transaction', url })
    expect((await second.query('SELECT pg_try_advisory_lock(7) AS locked')).rows).toEqual([{ locked: true }])
    await Promise.all([first.end(), second.end()])
  })

  test('a named statement a client prepared in one test still runs in the next', async ({ begun, url }) => {
    const client = await connectedClient(begun.url)
    const named = { name: 'count_items', text: 'SELECT count(*)::int AS n FROM items' }
    await client.query("INSERT INTO items (name) VALUES ('one')")
    expect((await client.query(named)).rows).toEqual([{ n: 1 }])
    await begun.endTest()
    await begun.beginTest({ isolation: 'transaction', url })
    expect((await client.query(named)).rows).toEqual([{ n: 0 }])
    await client.end()
  })
})
