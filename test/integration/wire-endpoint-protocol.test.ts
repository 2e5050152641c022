import { connect } from 'node:net'
import pg from 'pg'
import { serialize } from 'pg-protocol'
import { describe, expect } from 'vitest'
import { createWireEndpoint } from '../../src/isolation/endpoint/wire-endpoint.ts'
import { endpointTest as test } from '../test-utils/endpoint-test.ts'
import { extendedQuery, names, RawProtocolClient, sendCancelRequest } from '../test-utils/raw-protocol-client.ts'

/** The first byte a server answers an 8-byte request (SSLRequest, GSSENCRequest) with. */
async function answerTo(port: number, code: number): Promise<string> {
  const socket = connect(port, '127.0.0.1')
  const request = Buffer.alloc(8)
  request.writeInt32BE(8, 0)
  request.writeInt32BE(code, 4)
  socket.write(request)
  const [answer] = (await new Promise((resolve) => socket.once('data', (data) => resolve([data])))) as Buffer[]
  socket.destroy()
  return answer?.toString('latin1', 0, 1) ?? ''
}

const portOf = (url: string) => Number(new URL(url).port)

describe.concurrent('wire endpoint protocol', () => {
  test('refuses SSL and GSS encryption, so clients go on in plain text', async ({ endpoint }) => {
    expect(await answerTo(portOf(endpoint.url), 80877103)).toBe('N')
    expect(await answerTo(portOf(endpoint.url), 80877104)).toBe('N')
  })

  test('serves a Unix socket too, which its environment names', async ({ endpoint, url, onTestFinished }) => {
    expect(endpoint.env.DATABASE_URL).toBe(endpoint.socketUrl)
    const client = new pg.Client(endpoint.socketUrl)
    await client.connect()
    expect((await client.query('SELECT count(*)::int AS n FROM items')).rows).toEqual([{ n: 0 }])
    await client.end()
    const tcpOnly = await createWireEndpoint({ betweenTests: url, unixSocket: false })
    onTestFinished(() => tcpOnly.close())
    expect(tcpOnly.socketUrl).toBeUndefined()
    expect(tcpOnly.env.DATABASE_URL).toBe(tcpOnly.url)
  })

  test('refuses a wrong password', async ({ endpoint }) => {
    const url = new URL(endpoint.url)
    url.password = 'wrong'
    const client = new pg.Client(url.toString())
    await expect(client.connect()).rejects.toMatchObject({
      severity: 'FATAL',
      message: 'password authentication failed for user "testbed"',
    })
  })

  test('answers pipelined batches in order; a failing one does not stop the next', async ({ begun }) => {
    const client = await RawProtocolClient.connect(begun.url)
    const replies = await client.send(
      [
        ...extendedQuery('INSERT INTO items (name) VALUES ($1) RETURNING name', ['once']),
        ...extendedQuery('INSERT INTO items (name) VALUES ($1) RETURNING name', ['once']),
        ...extendedQuery('SELECT count(*) FROM items'),
      ],
      3,
    )
    expect(names(replies)).toEqual([
      ...['parseComplete', 'bindComplete', 'rowDescription', 'dataRow', 'commandComplete', 'readyForQuery'],
      ...['parseComplete', 'bindComplete', 'rowDescription', 'error', 'readyForQuery'],
      ...['parseComplete', 'bindComplete', 'rowDescription', 'dataRow', 'commandComplete', 'readyForQuery'],
    ])
    expect(replies.filter((reply) => reply.name === 'readyForQuery').map((reply) => reply.status)).toEqual([
      'I',
      'I',
      'I',
    ])
    expect(replies.find((reply) => reply.name === 'error')).toMatchObject({ code: '23505' })
    expect(replies.filter((reply) => reply.name === 'dataRow').at(-1)).toMatchObject({ fields: ['1'] })
    await client.close()
  })

  test('keeps the prepared statements of two clients apart, even under one name', async ({ begun }) => {
    const [first, second] = await Promise.all([
      RawProtocolClient.connect(begun.url),
      RawProtocolClient.connect(begun.url),
    ])
    await first.send([serialize.parse({ name: 's1', text: "SELECT 'first' AS who" }), serialize.sync()])
    await second.send([serialize.parse({ name: 's1', text: "SELECT 'second' AS who" }), serialize.sync()])
    const run = [serialize.bind({ statement: 's1' }), serialize.execute({}), serialize.sync()]
    const [fromFirst, fromSecond] = [await first.send(run), await second.send(run)]
    expect(fromFirst.find((reply) => reply.name === 'dataRow')).toMatchObject({ fields: ['first'] })
    expect(fromSecond.find((reply) => reply.name === 'dataRow')).toMatchObject({ fields: ['second'] })
    await Promise.all([first.close(), second.close()])
  })

  test("reports PostgreSQL's own errors for a duplicate or unknown statement name", async ({ begun }) => {
    const client = await RawProtocolClient.connect(begun.url)
    await client.send([serialize.parse({ name: 'q', text: 'SELECT 1' }), serialize.sync()])
    const duplicate = await client.send([serialize.parse({ name: 'q', text: 'SELECT 2' }), serialize.sync()])
    expect(duplicate[0]).toMatchObject({
      name: 'error',
      code: '42P05',
      message: 'prepared statement "q" already exists',
    })
    const unknown = await client.send([serialize.bind({ statement: 'nope' }), serialize.execute({}), serialize.sync()])
    expect(unknown[0]).toMatchObject({
      name: 'error',
      code: '26000',
      message: 'prepared statement "nope" does not exist',
    })
    await client.send([serialize.close({ type: 'S', name: 'q' }), serialize.sync()])
    const reused = await client.send([serialize.parse({ name: 'q', text: 'SELECT 2' }), serialize.sync()])
    expect(names(reused)).toEqual(['parseComplete', 'readyForQuery'])
    expect(await client.send([serialize.query('DEALLOCATE ALL')])).toMatchObject([
      { name: 'commandComplete', text: 'DEALLOCATE ALL' },
      { name: 'readyForQuery' },
    ])
    const deallocated = await client.send([serialize.bind({ statement: 'q' }), serialize.execute({}), serialize.sync()])
    expect(deallocated[0]).toMatchObject({ name: 'error', code: '26000' })
    await client.close()
  })

  test('a row-limited Execute with Flush suspends the portal, and the next Execute goes on with it', async ({
    begun,
  }) => {
    const client = await RawProtocolClient.connect(begun.url)
    const done = (count: number) => (replies: { name: string }[]) =>
      replies.filter((r) => r.name !== 'dataRow').length >= count
    const first = [
      serialize.parse({ text: 'SELECT generate_series(1, 5) AS n' }),
      serialize.bind({}),
      serialize.execute({ rows: 2 }),
      serialize.flush(),
    ]
    void client.send(first, 0)
    const opening = await client.until(done(3))
    expect(names(opening)).toEqual(['parseComplete', 'bindComplete', 'dataRow', 'dataRow', 'portalSuspended'])
    const rest = await client.send([serialize.execute({ rows: 0 }), serialize.sync()])
    expect(rest.filter((reply) => reply.name === 'dataRow').map((reply) => reply.fields)).toEqual([['3'], ['4'], ['5']])
    expect(rest.at(-1)).toMatchObject({ name: 'readyForQuery', status: 'I' })
    await client.close()
  })

  test("reports each client's own transaction status, and runs BEGIN and COMMIT sent through the extended protocol", async ({
    begun,
  }) => {
    const [inside, outside] = await Promise.all([
      RawProtocolClient.connect(begun.url),
      RawProtocolClient.connect(begun.url),
    ])
    const began = await inside.send(extendedQuery('BEGIN'))
    expect(began.filter((reply) => reply.name !== 'rowDescription' && reply.name !== 'noData')).toMatchObject([
      { name: 'parseComplete' },
      { name: 'bindComplete' },
      { name: 'commandComplete', text: 'BEGIN' },
      { name: 'readyForQuery', status: 'T' },
    ])
    expect((await outside.send(extendedQuery('SELECT 1'))).at(-1)).toMatchObject({ status: 'I' })
    expect((await inside.send([serialize.query('SELECT 1/0')])).at(-1)).toMatchObject({ status: 'E' })
    const committed = await inside.send(extendedQuery('COMMIT'))
    expect(committed.find((reply) => reply.name === 'commandComplete')).toMatchObject({ text: 'ROLLBACK' })
    expect(committed.at(-1)).toMatchObject({ status: 'I' })
    await Promise.all([inside.close(), outside.close()])
  })

  test('copies rows in with COPY FROM STDIN and out with COPY TO STDOUT', async ({ begun }) => {
    const client = await RawProtocolClient.connect(begun.url)
    client.send([serialize.query('COPY items (name) FROM STDIN')], 0)
    expect(names(await client.until((replies) => replies.length > 0))).toEqual(['copyInResponse'])
    const copied = await client.send([serialize.copyData(Buffer.from('one\ntwo\n')), serialize.copyDone()])
    expect(copied).toMatchObject([{ name: 'commandComplete', text: 'COPY 2' }, { name: 'readyForQuery' }])
    const out = await client.send([serialize.query('COPY (SELECT name FROM items ORDER BY id) TO STDOUT')])
    expect(names(out)).toEqual([
      'copyOutResponse',
      'copyData',
      'copyData',
      'copyDone',
      'commandComplete',
      'readyForQuery',
    ])
    await client.close()
  })

  test('copies rows in through the extended protocol, the client syncing after CopyDone', async ({ begun }) => {
    const client = await RawProtocolClient.connect(begun.url)
    const copy = [serialize.parse({ text: 'COPY items (name) FROM STDIN' }), serialize.bind({}), serialize.execute({})]
    void client.send([...copy, serialize.sync()], 0)
    expect(names(await client.until((replies) => replies.length === 3))).toEqual([
      'parseComplete',
      'bindComplete',
      'copyInResponse',
    ])
    const copied = await client.send([serialize.copyData(Buffer.from('one\n')), serialize.copyDone(), serialize.sync()])
    expect(copied).toMatchObject([
      { name: 'commandComplete', text: 'COPY 1' },
      { name: 'readyForQuery', status: 'I' },
    ])
    expect((await client.send([serialize.query('SELECT name FROM items')]))[1]).toMatchObject({ fields: ['one'] })
    await client.close()
  })

  test('cancels a running statement on a CancelRequest, and the test goes on', async ({ begun }) => {
    const client = await RawProtocolClient.connect(begun.url)
    const sleeping = client.send([serialize.query('SELECT pg_sleep(30)')])
    const other = await RawProtocolClient.connect(begun.url)
    // The other client's turn comes after the sleep started: the endpoint runs one unit at a time.
    await sendCancelRequest(portOf(begun.url), client.processId, client.secretKey)
    expect((await sleeping).find((reply) => reply.name === 'error')).toMatchObject({ code: '57014' })
    expect((await other.send([serialize.query('SELECT 1')])).at(-1)).toMatchObject({ status: 'I' })
    await Promise.all([client.close(), other.close()])
  })

  test('cancels a statement still waiting its turn behind another client', async ({ begun }) => {
    const holder = await RawProtocolClient.connect(begun.url)
    await holder.send([serialize.query('BEGIN')])
    const waiter = await RawProtocolClient.connect(begun.url)
    // The app transaction is a mutex across clients: this BEGIN waits until the holder's ends.
    const waiting = waiter.send([serialize.query('BEGIN; SELECT 1')])
    await sendCancelRequest(portOf(begun.url), waiter.processId, waiter.secretKey)
    await holder.send([serialize.query('COMMIT')])
    expect((await waiting).find((reply) => reply.name === 'error')).toMatchObject({ code: '57014' })
    expect((await waiter.send([serialize.query('SELECT 1')])).at(-1)).toMatchObject({ status: 'I' })
    await Promise.all([holder.close(), waiter.close()])
  })

  test('forwards notices, and answers an empty query as PostgreSQL does', async ({ begun }) => {
    const client = await RawProtocolClient.connect(begun.url)
    const noticed = await client.send([serialize.query("DO $$ BEGIN RAISE NOTICE 'hello'; END $$")])
    expect(noticed).toMatchObject([
      { name: 'notice', message: 'hello' },
      { name: 'commandComplete' },
      { name: 'readyForQuery' },
    ])
    expect(names(await client.send([serialize.query('')]))).toEqual(['emptyQuery', 'readyForQuery'])
    await client.close()
  })

  // The endpoint reads the server into one buffer that each read overwrites (backend/server-socket.ts).
  test('passes on replies and errors larger than one read of the server, byte for byte', async ({
    begun: _begun,
    pool,
  }) => {
    const big = 'SELECT i, repeat(chr(65 + i), $1::int) AS text FROM generate_series(1, 4) AS i'
    const { rows } = await pool.query<{ text: string }>(big, [100_000])
    expect(rows.map(({ text }) => [text.length, text[0], text.at(-1)])).toEqual(
      ['B', 'C', 'D', 'E'].map((letter) => [100_000, letter, letter]),
    )
    const error = await pool.query("SELECT repeat('y', $1::int)::int", [70_000]).catch((caught: Error) => caught)
    expect(error).toMatchObject({
      code: '22P02',
      message: `invalid input syntax for type integer: "${'y'.repeat(70_000)}"`,
    })
    expect((await pool.query('SELECT $1::int AS n', [7])).rows).toEqual([{ n: 7 }])
  })
})
