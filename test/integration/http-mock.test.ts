import { readFileSync } from 'node:fs'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { Pool } from 'undici'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createHttpMock, type HttpMock } from '../../src/public/http.ts'

const PAYMENTS = 'https://api.payments.example'

/** What the app under test does: calls the payment provider, and swallows its errors as apps often do. */
async function chargeCustomer(amount: number, currency = 'usd'): Promise<unknown> {
  const customer = await fetch(`${PAYMENTS}/v1/customers/cus_123`).then((res) => res.json())
  const charge = await fetch(`${PAYMENTS}/v1/charges`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': 'k-1' },
    body: JSON.stringify({ amount, currency, customer: 'cus_123' }),
  }).then(
    (res) => res.json(),
    () => undefined,
  )
  return { customer, charge }
}

/** docs/http.md shows these failures word for word. */
function expectInDocs(message: string): void {
  expect(readFileSync('docs/http.md', 'utf8')).toContain(message)
}

async function verifyError(http: HttpMock): Promise<string> {
  return http.verify().then(
    () => 'verify() passed',
    (error: Error) => error.message,
  )
}

describe.concurrent('createHttpMock', () => {
  test('answers declared mocks with their status, body and headers', async () => {
    await using http = createHttpMock().listen()
    http.get(`${PAYMENTS}/v1/customers/cus_123`).reply(200, { id: 'cus_123' }, { 'x-request-id': 'req_1' })
    http.post(`${PAYMENTS}/v1/charges`).reply(201, { id: 'ch_1' })
    http.put(`${PAYMENTS}/v1/text`).reply(200, 'plain')
    http
      .patch(`${PAYMENTS}/v1/bytes`)
      .reply(200, new Uint8Array([1, 2]), { 'content-type': 'application/octet-stream' })
    http.delete(`${PAYMENTS}/v1/charges/ch_1`).reply(204)
    await http.run(async () => {
      const customer = await fetch(`${PAYMENTS}/v1/customers/cus_123`)
      expect(customer.headers.get('x-request-id')).toBe('req_1')
      expect(customer.headers.get('content-type')).toBe('application/json')
      expect(await chargeCustomer(1000)).toEqual({ customer: { id: 'cus_123' }, charge: { id: 'ch_1' } })
      const text = await fetch(`${PAYMENTS}/v1/text`, { method: 'PUT' })
      expect([text.headers.get('content-type'), await text.text()]).toEqual(['text/plain; charset=utf-8', 'plain'])
      const bytes = await fetch(`${PAYMENTS}/v1/bytes`, { method: 'PATCH' })
      expect([...new Uint8Array(await bytes.arrayBuffer())]).toEqual([1, 2])
      expect((await fetch(`${PAYMENTS}/v1/charges/ch_1`, { method: 'DELETE' })).status).toBe(204)
    })
    await http.verify()
  })

  test('matches query, headers and JSON body; the first matching mock answers', async () => {
    await using http = createHttpMock().listen()
    http
      .get(`${PAYMENTS}/v1/charges`, { query: { limit: 2 }, headers: { authorization: /^Bearer sk_/ } })
      .reply(200, ['a', 'b'])
    http.get(`${PAYMENTS}/v1/charges`).reply(200, [])
    http.get(`${PAYMENTS}/v1/customers/cus_123`).reply(200, { id: 'cus_123' })
    http.post(`${PAYMENTS}/v1/charges`, { json: { currency: 'eur' } }).reply(201, { id: 'ch_eur' })
    http.post(`${PAYMENTS}/v1/charges`, { json: { currency: 'usd' } }).reply(201, { id: 'ch_usd' })
    await http.run(async () => {
      const list = (init?: RequestInit) => fetch(`${PAYMENTS}/v1/charges?limit=2`, init).then((res) => res.json())
      expect(await list({ headers: { authorization: 'Bearer sk_test_1' } })).toEqual(['a', 'b'])
      expect(await list()).toEqual([])
      expect(await chargeCustomer(1000, 'usd')).toMatchObject({ charge: { id: 'ch_usd' } })
      expect(await chargeCustomer(1000, 'eur')).toMatchObject({ charge: { id: 'ch_eur' } })
    })
  })

  test('answers .times(n) requests, then lets the next mock answer; .delay() waits', async () => {
    await using http = createHttpMock().listen()
    http.get(`${PAYMENTS}/v1/status`).times(2).reply(503, { error: 'busy' })
    http.get(`${PAYMENTS}/v1/status`).delay(50).reply(200, { ok: true })
    await http.run(async () => {
      const statuses = []
      for (let i = 0; i < 3; i++) statuses.push((await fetch(`${PAYMENTS}/v1/status`)).status)
      expect(statuses).toEqual([503, 503, 200])
      const started = performance.now()
      await fetch(`${PAYMENTS}/v1/status`)
      expect(performance.now() - started).toBeGreaterThanOrEqual(45)
    })
    await http.verify()
  })

  test('fails requests with network errors and given errors', async () => {
    await using http = createHttpMock().listen()
    http.get(`${PAYMENTS}/v1/reset`).networkError()
    http.get(`${PAYMENTS}/v1/refused`).networkError('ECONNREFUSED')
    http.get(`${PAYMENTS}/v1/custom`).replyWithError(new Error('TLS handshake timeout'))
    await http.run(async () => {
      const causeOf = (path: string) =>
        fetch(`${PAYMENTS}${path}`).catch((error: TypeError) => error.cause as Error & { code?: string })
      expect(await causeOf('/v1/reset')).toMatchObject({
        code: 'ECONNRESET',
        message: 'ECONNRESET (mocked by testbed)',
      })
      expect(await causeOf('/v1/refused')).toMatchObject({ code: 'ECONNREFUSED' })
      expect(await causeOf('/v1/custom')).toMatchObject({ message: 'TLS handshake timeout' })
    })
    await http.verify()
  })

  test('fails an unmatched request at verify(), even when the app caught the error', async () => {
    await using http = createHttpMock().listen()
    http.get(`${PAYMENTS}/v1/customers/cus_123`).reply(200, { id: 'cus_123' })
    const result = await http.run(() => chargeCustomer(1000))
    expect(result).toEqual({ customer: { id: 'cus_123' }, charge: undefined })
    const message = await verifyError(http)
    expect(message).toBe(
      [
        '[testbed] Outbound HTTP did not go as mocked: 1 unmatched request.',
        'No declared mock matches it: testbed failed the request, and fails the test even if the app caught the error. Declare a mock for it, or fix the closest mock shown.',
        `  • unmatched: POST ${PAYMENTS}/v1/charges`,
        '    body: {"amount":1000,"currency":"usd","customer":"cus_123"}',
        `    closest mock: http.get('${PAYMENTS}/v1/customers/cus_123'): URL: expected ${PAYMENTS}/v1/customers/cus_123, got ${PAYMENTS}/v1/charges; method: expected GET, got POST`,
        'Read more: node_modules/testbed/docs/errors.md#testbed_http_unmatched_request',
      ].join('\n'),
    )
    expectInDocs(message)
  })

  test('fails a mock that was never called, or called fewer times than declared', async () => {
    await using http = createHttpMock().listen()
    http.get(`${PAYMENTS}/v1/customers/cus_123`).reply(200, { id: 'cus_123' })
    http.post(`${PAYMENTS}/v1/charges`).reply(201, { id: 'ch_1' })
    http.post(`${PAYMENTS}/v1/refunds`, { json: { charge: 'ch_1' } }).reply(201, { id: 're_1' })
    http.get(`${PAYMENTS}/v1/balance`).times(2).reply(200, { available: 0 })
    http.get(`${PAYMENTS}/v1/events`).optional().reply(200, [])
    await http.run(async () => {
      await chargeCustomer(1000)
      await fetch(`${PAYMENTS}/v1/balance`)
    })
    const message = await verifyError(http)
    expect(message).toBe(
      [
        '[testbed] Outbound HTTP did not go as mocked: 2 unused mocks.',
        'Every declared mock must answer at least once, or exactly n times with `.times(n)`. Find out why the code did not send the request, or remove the mock, or mark it `.optional()`.',
        `  • unused: http.post('${PAYMENTS}/v1/refunds', { json: { charge: "ch_1" } }): never called`,
        `  • unused: http.get('${PAYMENTS}/v1/balance'): called 1 of 2 times`,
        'Read more: node_modules/testbed/docs/errors.md#testbed_http_unused_mock',
      ].join('\n'),
    )
    expectInDocs(message)
  })

  test('lists unmatched requests and unused mocks together, closest mocks first', async () => {
    await using http = createHttpMock().listen()
    http.get(`${PAYMENTS}/v1/customers/cus_123`).reply(200, { id: 'cus_123' })
    http.post(`${PAYMENTS}/v1/charges`, { json: { currency: 'eur' } }).reply(201, { id: 'ch_1' })
    http.post(`${PAYMENTS}/v1/charges`, { headers: { 'idempotency-key': 'k-2' } }).reply(201, { id: 'ch_2' })
    await http.run(() => chargeCustomer(1000, 'usd'))
    await http.run(() => fetch(`${PAYMENTS}/v1/payouts?limit=1`).catch(() => undefined))
    expect(await verifyError(http)).toBe(
      [
        '[testbed] Outbound HTTP did not go as mocked: 2 unmatched requests, 2 unused mocks.',
        'Strict mocks fail the test when a request matches no mock (testbed failed it, even if the app caught the error) and when a mock is not called as declared. Declare or fix a mock for each unmatched request, and remove each unused mock or mark it `.optional()`.',
        `  • unmatched: POST ${PAYMENTS}/v1/charges`,
        '    body: {"amount":1000,"currency":"usd","customer":"cus_123"}',
        `    closest mock: http.post('${PAYMENTS}/v1/charges', { json: { currency: "eur" } }): json \`currency\`: expected "eur", got "usd"`,
        `    next closest: http.post('${PAYMENTS}/v1/charges', { headers: { idempotency-key: "k-2" } }): header \`idempotency-key\`: expected "k-2", got "k-1"`,
        `  • unmatched: GET ${PAYMENTS}/v1/payouts?limit=1`,
        `    closest mock: http.get('${PAYMENTS}/v1/customers/cus_123'): URL: expected ${PAYMENTS}/v1/customers/cus_123, got ${PAYMENTS}/v1/payouts`,
        `    next closest: http.post('${PAYMENTS}/v1/charges', { json: { currency: "eur" } }): URL: expected ${PAYMENTS}/v1/charges, got ${PAYMENTS}/v1/payouts; method: expected POST, got GET; body: expected JSON, got no content-type (empty)`,
        `  • unused: http.post('${PAYMENTS}/v1/charges', { json: { currency: "eur" } }): never called`,
        `  • unused: http.post('${PAYMENTS}/v1/charges', { headers: { idempotency-key: "k-2" } }): never called`,
        'Read more: node_modules/testbed/docs/errors.md#testbed_http_unmatched_request',
      ].join('\n'),
    )
  })

  test('gives the app the reason its request failed', async () => {
    await using http = createHttpMock().listen()
    const error = await http.run(() => fetch(`${PAYMENTS}/v1/charges`, { method: 'POST' }).catch((e: TypeError) => e))
    expect((error as TypeError).cause).toMatchObject({
      code: 'TESTBED_HTTP_UNMATCHED_REQUEST',
      message: [
        `[testbed] Outbound request matched no mock: POST ${PAYMENTS}/v1/charges.`,
        'No declared mock matches it: testbed failed the request, and fails the test even if the app caught the error. Declare a mock for it, or fix the closest mock shown.',
        `  • unmatched: POST ${PAYMENTS}/v1/charges`,
        '    closest mock: none, no mock is declared',
        'Read more: node_modules/testbed/docs/errors.md#testbed_http_unmatched_request',
      ].join('\n'),
    })
  })

  test('never answers the requests of another scope, even on one shared connection', async () => {
    await using first = createHttpMock().listen()
    await using second = createHttpMock().listen()
    first.get(`${PAYMENTS}/v1/whoami`).reply(200, 'first')
    second.get(`${PAYMENTS}/v1/whoami`).reply(200, 'second')
    // One connection: undici writes each queued request from the context of the response before it.
    const pool = new Pool(PAYMENTS, { connections: 1 })
    const ask = async (mock: HttpMock, expected: string) =>
      mock.run(async () => {
        for (let i = 0; i < 10; i++) {
          await sleep(Math.random() * 3)
          expect(await fetch(`${PAYMENTS}/v1/whoami`).then((res) => res.text())).toBe(expected)
          expect(await (await pool.request({ path: '/v1/whoami', method: 'GET' })).body.text()).toBe(expected)
        }
      })
    await Promise.all([ask(first, 'first'), ask(second, 'second'), ask(first, 'first'), ask(second, 'second')])
    await pool.close()
    await first.verify()
    await second.verify()
  })

  test('rejects invalid declarations and run() before listen()', () => {
    const http = createHttpMock()
    expect(() => http.get('/v1/charges')).toThrow(
      "[testbed] A mock URL must be absolute: '/v1/charges'.\nOutbound requests go to a full URL, so the mock names the scheme and host too. Write it whole, e.g. 'https://api.example.com/users', or match the path with a RegExp or a URLPattern.",
    )
    expect(() => http.get(/charges/).reply(99)).toThrow(
      '[testbed] Invalid argument to .reply(): http.get(/charges/).\n.reply() takes a status from 200 to 599, got `99` (number). Pass a status from 200 to 599.',
    )
    expect(() => http.get(/charges/).times(0)).toThrow('.times() takes a positive integer, got `0` (number).')
    expect(() => http.get(/charges/).delay(-1)).toThrow('.delay() takes milliseconds ≥ 0, got `-1` (number).')
    expect(() => http.run(() => 1)).toThrow(
      '[testbed] http.run() before http.listen().\nUntil it listens, the mock intercepts nothing, and requests would reach the network. Call `http.listen()` first (the `http` fixture does).',
    )
    expect(() => createHttpMock({ mode: 'live' as never })).toThrow(
      '[testbed] Invalid option of createHttpMock(): `mode`.\n`mode` takes `mock`, `record`, `replay`, `auto`, got `live` (string). Fix `mode`, or leave it out for the default.',
    )
    expect(() => createHttpMock({ allow: 'response.body' as never })).toThrow(
      "[testbed] Invalid option of createHttpMock(): `allow`.\n`allow` takes an array of places in an interaction, such as `'response.body.json.sha'`, got `response.body` (string). Fix `allow`, or leave it out for the default.",
    )
  })
})

describe('loopback and requests outside a scope', () => {
  let upstream: { url: string; seen: IncomingHttpHeaders[]; close(): void }
  beforeAll(async () => {
    const seen: IncomingHttpHeaders[] = []
    const server = createServer((req, res) => {
      seen.push(req.headers)
      res.end('from loopback')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    upstream = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close: () => server.close() }
  })
  afterAll(() => upstream.close())

  test('lets requests to loopback through untouched, unless the host is listed in interceptLoopback', async () => {
    await using http = createHttpMock().listen()
    await http.run(async () => {
      const res = await fetch(`${upstream.url}/health`, { headers: { 'x-trace': 't-1' } })
      expect(await res.text()).toBe('from loopback')
      const local = await fetch(`http://localhost:${new URL(upstream.url).port}/health`)
      expect(await local.text()).toBe('from loopback')
    })
    expect(upstream.seen[0]).toMatchObject({ 'x-trace': 't-1' })
    expect(Object.keys(upstream.seen[0] ?? {}).some((name) => name.includes('testbed'))).toBe(false)
    await http.verify()

    await using listed = createHttpMock({ interceptLoopback: [new URL(upstream.url).host] }).listen()
    listed.get(`${upstream.url}/health`).reply(200, 'mocked')
    expect(await listed.run(() => fetch(`${upstream.url}/health`).then((res) => res.text()))).toBe('mocked')
    await listed.verify()
  })

  test('the only listening mock answers requests sent outside run()', async () => {
    await using http = createHttpMock().listen()
    http.get(`${PAYMENTS}/v1/ping`).reply(200, 'pong')
    expect(await fetch(`${PAYMENTS}/v1/ping`).then((res) => res.text())).toBe('pong')
    await http.verify()
  })

  test('fails a request outside any scope while several mocks listen, and one from a closed scope', async () => {
    await using first = createHttpMock().listen()
    await using second = createHttpMock().listen()
    const orphan = await fetch(`${PAYMENTS}/v1/ping`).catch((error: TypeError) => (error.cause as Error).message)
    expect(orphan).toBe(
      `[testbed] Outbound request outside any http mock scope: GET ${PAYMENTS}/v1/ping.\n2 http mocks are listening (tests running at the same time), and the request was not sent inside \`http.run(...)\` of any of them, so no mock may answer it. Send it from the test (the \`http\` fixture runs each test in its scope), or wrap the code in \`http.run(() => …)\`.` +
        '\nRead more: node_modules/testbed/docs/errors.md#testbed_http_no_scope',
    )
    let later: Promise<unknown> = Promise.resolve()
    second.run(() => {
      later = sleep(20).then(() =>
        fetch(`${PAYMENTS}/v1/ping`).catch((error: TypeError) => (error.cause as Error).message),
      )
    })
    await second.close()
    expect(await later).toBe(
      `[testbed] Outbound request after its test's http mock closed: GET ${PAYMENTS}/v1/ping.\nIt comes from work the test started and did not wait for. Await that work in the test, or stop it before the test ends.` +
        '\nRead more: node_modules/testbed/docs/errors.md#testbed_http_scope_ended',
    )
    await first.verify()
  })
})
