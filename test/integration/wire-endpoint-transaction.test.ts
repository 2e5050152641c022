import pg from 'pg'
import { describe, expect } from 'vitest'
import { createWireEndpoint } from '../../src/isolation/endpoint/wire-endpoint.ts'
import { itemNames, endpointTest as test } from '../test-utils/endpoint-test.ts'
import { withClient } from '../test-utils/transaction-test.ts'

describe.concurrent("wire endpoint under isolation 'transaction'", () => {
  test('serves every connection of a pool inside the test, and rolls it all back after', async ({
    endpoint,
    url,
    pool,
  }) => {
    await endpoint.beginTest({ isolation: 'transaction', url })
    const clients = await Promise.all([pool.connect(), pool.connect()])
    await clients[0].query('INSERT INTO items (name) VALUES ($1)', ['first'])
    await clients[1].query("INSERT INTO items (name) VALUES ('second')")
    expect(await itemNames(clients[0])).toEqual(['first', 'second'])
    for (const client of clients) client.release()
    expect(await withClient(url, itemNames)).toEqual([])
    await endpoint.endTest()
    expect(await itemNames(pool)).toEqual([])
  })

  test("turns the app's BEGIN / COMMIT into a savepoint, and its ROLLBACK undoes only its transaction", async ({
    begun: _begun,
    pool,
  }) => {
    const client = await pool.connect()
    expect((await client.query('BEGIN')).command).toBe('BEGIN')
    await client.query('INSERT INTO items (name) VALUES ($1)', ['committed'])
    expect((await client.query('COMMIT')).command).toBe('COMMIT')
    await client.query('START TRANSACTION ISOLATION LEVEL SERIALIZABLE')
    await client.query('INSERT INTO items (name) VALUES ($1)', ['rolled back'])
    expect((await client.query('ROLLBACK')).command).toBe('ROLLBACK')
    expect(await itemNames(pool)).toEqual(['committed'])
    client.release()
  })

  test('a statement that fails outside an app transaction does not abort the test', async ({ begun: _begun, pool }) => {
    await pool.query("INSERT INTO items (name) VALUES ('unique')")
    await expect(pool.query("INSERT INTO items (name) VALUES ('unique')")).rejects.toMatchObject({ code: '23505' })
    await expect(pool.query('SELECT * FROM no_such_table')).rejects.toMatchObject({ code: '42P01' })
    await pool.query("INSERT INTO items (name) VALUES ('after')")
    expect(await itemNames(pool)).toEqual(['unique', 'after'])
  })

  // pg sends a query with parameters as Parse, Bind, Describe, Execute, Sync: the endpoint's plain-unit path.
  test('a statement with parameters that fails, at any of its messages, does not abort the test either', async ({
    begun: _begun,
    pool,
  }) => {
    const insert = 'INSERT INTO items (name) VALUES ($1)'
    await pool.query(insert, ['unique'])
    await expect(pool.query(insert, ['unique'])).rejects.toMatchObject({ code: '23505' })
    await expect(pool.query('SELEC $1::text', ['parse'])).rejects.toMatchObject({ code: '42601' })
    await expect(pool.query('SELECT $1::int', ['bind'])).rejects.toMatchObject({ code: '22P02' })
    await pool.query(insert, ['after'])
    expect(await itemNames(pool)).toEqual(['unique', 'after'])
  })

  test('a failure inside the app transaction aborts it, as on PostgreSQL, until its ROLLBACK', async ({
    begun: _begun,
    pool,
  }) => {
    const client = await pool.connect()
    await client.query('BEGIN')
    await client.query("INSERT INTO items (name) VALUES ('lost')")
    await expect(client.query("INSERT INTO items (name) VALUES ('lost')")).rejects.toMatchObject({ code: '23505' })
    await expect(client.query('SELECT 1')).rejects.toMatchObject({ code: '25P02' })
    expect((await client.query('COMMIT')).command).toBe('ROLLBACK')
    await client.query("INSERT INTO items (name) VALUES ('kept')")
    expect(await itemNames(pool)).toEqual(['kept'])
    client.release()
  })

  test("another client's BEGIN waits for the open app transaction to end", async ({ begun: _begun, pool }) => {
    const [first, second] = await Promise.all([pool.connect(), pool.connect()])
    await first.query('BEGIN')
    const secondBegins = second.query('BEGIN').then(() => second.query("INSERT INTO items (name) VALUES ('second')"))
    // Plain statements of other clients still run, inside the open transaction.
    expect(await itemNames(pool)).toEqual([])
    await first.query("INSERT INTO items (name) VALUES ('first')")
    await first.query('COMMIT')
    await secondBegins
    await second.query('COMMIT')
    expect(await itemNames(pool)).toEqual(['first', 'second'])
    first.release()
    second.release()
  })

  test('gives up waiting for another client transaction with TESTBED_ISOLATION_TRANSACTION_WAIT', async ({
    url,
    onTestFinished,
  }) => {
    const endpoint = await createWireEndpoint({ betweenTests: url, transactionWaitTimeout: 50 })
    onTestFinished(() => endpoint.close())
    await endpoint.beginTest({ isolation: 'transaction', url })
    const pool = new pg.Pool({ connectionString: endpoint.url })
    const [first, second] = await Promise.all([pool.connect(), pool.connect()])
    await first.query('BEGIN')
    const error = await second.query('BEGIN').catch((caught: pg.DatabaseError) => caught)
    expect(error).toMatchObject({ code: '55P03', detail: 'testbed error code: TESTBED_ISOLATION_TRANSACTION_WAIT' })
    expect((error as Error).message).toMatch(/^\[testbed\] Gave up waiting for another client's transaction/)
    first.release()
    second.release()
    await pool.end()
  })

  test('refuses a statement that cannot run in a transaction, names it, and reports it at the end of the test', async ({
    endpoint,
    url,
    pool,
  }) => {
    await endpoint.beginTest({ isolation: 'transaction', url })
    const error = await pool.query('VACUUM items').catch((caught: pg.DatabaseError) => caught)
    expect(error).toMatchObject({ code: '25001', detail: 'testbed error code: TESTBED_ISOLATION_NOT_IN_TRANSACTION' })
    expect((error as Error).message).toBe(
      [
        "[testbed] Cannot run VACUUM under isolation 'transaction': `VACUUM items`.",
        "PostgreSQL cannot run VACUUM inside a transaction block, and every statement of this test runs inside the test's transaction. Use isolation 'database' for this test.",
        'Read more: node_modules/testbed/docs/errors.md#testbed_isolation_not_in_transaction',
      ].join('\n'),
    )
    await pool.query("INSERT INTO items (name) VALUES ('still works')")
    expect(await endpoint.endTest()).toEqual({ refused: [{ label: 'VACUUM', statement: 'VACUUM items' }] })
  })

  test('a client that disconnects inside its app transaction has it rolled back, as closing a connection would', async ({
    begun,
    pool,
  }) => {
    const leaving = new pg.Client(begun.url)
    await leaving.connect()
    await leaving.query('BEGIN')
    await leaving.query("INSERT INTO items (name) VALUES ('abandoned')")
    await leaving.end()
    await pool.query('BEGIN; COMMIT')
    expect(await itemNames(pool)).toEqual([])
  })

  test('a query sent during a test that had not run when the test ended fails with TESTBED_ISOLATION_ENDPOINT_TEST_ENDED', async ({
    endpoint,
    url,
    pool,
  }) => {
    await endpoint.beginTest({ isolation: 'transaction', url })
    const [first, second] = await Promise.all([pool.connect(), pool.connect()])
    await first.query('BEGIN')
    const late = second.query('BEGIN').catch((caught: pg.DatabaseError) => caught)
    // A round trip of the first client's: by its end, the endpoint has read what the second sent before it.
    await first.query('SELECT 1')
    await endpoint.endTest()
    const error = await late
    expect(error).toMatchObject({ detail: 'testbed error code: TESTBED_ISOLATION_ENDPOINT_TEST_ENDED' })
    expect((error as Error).message).toBe(
      [
        '[testbed] Query through the test database URL after its test ended: `BEGIN`.',
        "The query was sent during a test and had not run when the test ended, so it would have run in the next test's database state: it comes from work that outlived its test (a timer, an un-awaited promise, a background job). Await that work inside the test, or stop it in afterEach.",
        'Read more: node_modules/testbed/docs/errors.md#testbed_isolation_endpoint_test_ended',
      ].join('\n'),
    )
    expect((await second.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }])
    first.release()
    second.release()
  })
})
