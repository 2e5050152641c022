import pg from 'pg'
import { describe, expect } from 'vitest'
import { createWireEndpoint } from '../../src/isolation/endpoint/wire-endpoint.ts'
import { connectedClient } from '../test-utils/clients.ts'
import { freshDatabase, itemNames, endpointTest as test } from '../test-utils/endpoint-test.ts'
import { serverUrl, withClient } from '../test-utils/transaction-test.ts'

describe.concurrent("wire endpoint under isolation 'database' and 'reset'", () => {
  test("a pool made before the test reaches each test's own database, and lets it be dropped after", async ({
    endpoint,
    pool,
  }) => {
    const [first, second] = [await freshDatabase(), await freshDatabase()]
    await endpoint.beginTest({ isolation: 'database', url: first })
    await pool.query("INSERT INTO items (name) VALUES ('in the first database')")
    await endpoint.endTest()
    await withClient(serverUrl(), (admin) => admin.query(`DROP DATABASE ${new URL(first).pathname.slice(1)}`))
    await endpoint.beginTest({ isolation: 'database', url: second })
    expect(await itemNames(pool)).toEqual([])
    const { rows } = await pool.query<{ name: string }>('SELECT current_database() AS name')
    expect(rows[0]?.name).toBe(new URL(second).pathname.slice(1))
    await endpoint.endTest()
  })

  test('commits for real, and gives each client a session of its own', async ({ endpoint }) => {
    const url = await freshDatabase()
    await endpoint.beginTest({ isolation: 'reset', url })
    const [first, second] = await Promise.all([connectedClient(endpoint.url), connectedClient(endpoint.url)])
    await first.query('BEGIN')
    await second.query('BEGIN')
    await first.query("INSERT INTO items (name) VALUES ('first')")
    expect(await itemNames(second)).toEqual([])
    await first.query('COMMIT')
    await second.query('ROLLBACK')
    expect(await withClient(url, itemNames)).toEqual(['first'])
    await Promise.all([first.end(), second.end()])
    await endpoint.endTest()
  })

  test("carries a client's prepared statements, settings and LISTEN channels to the next test's session", async ({
    endpoint,
  }) => {
    const [first, second] = [await freshDatabase(), await freshDatabase()]
    const client = await connectedClient(endpoint.url)
    const named = { name: 'database_name', text: 'SELECT current_database() AS name' }
    const received: string[] = []
    client.on('notification', ({ payload }) => received.push(payload ?? ''))
    await endpoint.beginTest({ isolation: 'database', url: first })
    await client.query("SET application_name = 'carried'")
    await client.query('LISTEN changes')
    expect((await client.query(named)).rows).toEqual([{ name: new URL(first).pathname.slice(1) }])
    await endpoint.endTest()
    await endpoint.beginTest({ isolation: 'database', url: second })
    expect((await client.query(named)).rows).toEqual([{ name: new URL(second).pathname.slice(1) }])
    expect((await client.query('SHOW application_name')).rows).toEqual([{ application_name: 'carried' }])
    await withClient(endpoint.url, (other) => other.query("NOTIFY changes, 'committed'"))
    await client.query('SELECT 1')
    expect(received).toEqual(['committed'])
    await client.end()
    await endpoint.endTest()
  })

  test('serves the database it is told to between tests, from the next end of a test on', async ({
    endpoint,
    pool,
  }) => {
    const replacement = await freshDatabase()
    await withClient(replacement, (client) => client.query("INSERT INTO items (name) VALUES ('in the replacement')"))
    endpoint.setBetweenTests(replacement)
    expect(await itemNames(pool)).toEqual([])
    await endpoint.beginTest({ isolation: 'transaction', url: replacement })
    await endpoint.endTest()
    expect(await itemNames(pool)).toEqual(['in the replacement'])
  })

  test('without a database between tests, a query waits for the next test', async ({ url, onTestFinished }) => {
    const endpoint = await createWireEndpoint({ idleTimeout: 30_000 })
    onTestFinished(() => endpoint.close())
    const pool = new pg.Pool({ connectionString: endpoint.url })
    const early = pool.query('SELECT count(*)::int AS n FROM items')
    await endpoint.beginTest({ isolation: 'transaction', url })
    expect((await early).rows).toEqual([{ n: 0 }])
    await endpoint.endTest()
    await pool.end()
  })

  test('a query no test comes for fails with TESTBED_ISOLATION_ENDPOINT_NO_TEST', async ({ url, onTestFinished }) => {
    const endpoint = await createWireEndpoint({ idleTimeout: 50 })
    onTestFinished(() => endpoint.close())
    await endpoint.beginTest({ isolation: 'transaction', url })
    const client = await connectedClient(endpoint.url)
    await endpoint.endTest()
    const error = await client.query('SELECT 1').catch((caught: pg.DatabaseError) => caught)
    expect(error).toMatchObject({ code: '55000', detail: 'testbed error code: TESTBED_ISOLATION_ENDPOINT_NO_TEST' })
    expect((error as Error).message).toMatch(
      /^\[testbed\] Query through the test database URL while no test runs: `SELECT 1`\.\nEvery query through this URL runs in the current test's database, and none began within the wait: the query comes from code that runs outside tests \(module scope, beforeAll\) and waits for its answer before any test can start\. Run it inside a test or beforeEach; put data every test needs into the template's seeds or fixtures\.\n {2}• waited: \d+ ms\nRead more: node_modules\/testbed\/docs\/errors\.md#testbed_isolation_endpoint_no_test$/,
    )
    await client.end()
  })

  // inet_client_addr() is NULL for a session on the server's Unix socket, the loopback address over TCP.
  test("reaches a local server's sessions through its Unix socket, found from its TCP URL", async ({ begun }) => {
    const client = await connectedClient(begun.url)
    const { rows } = await client.query('SELECT inet_client_addr() AS address')
    expect(rows).toEqual([{ address: null }])
    await client.end()
  })

  test('keeps TCP for a role that may not read where the socket is', async ({ url, onTestFinished }) => {
    const role = `plain_role_${process.pid}`
    await withClient(url, (admin) => admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'plain'`))
    onTestFinished(async () => void (await withClient(url, (admin) => admin.query(`DROP ROLE ${role}`))))
    const plainUrl = new URL(url)
    plainUrl.username = role
    plainUrl.password = 'plain'
    const endpoint = await createWireEndpoint()
    onTestFinished(() => endpoint.close())
    await endpoint.beginTest({ isolation: 'transaction', url: plainUrl.toString() })
    const { rows } = await withClient(endpoint.url, (client) => client.query('SELECT inet_client_addr() AS address'))
    expect(rows).toEqual([{ address: '127.0.0.1' }])
    await endpoint.endTest()
  })
})
