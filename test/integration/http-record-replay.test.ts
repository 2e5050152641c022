import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { cassettePath, createHttpMock, type HttpMockOptions } from '../../src/public/http.ts'
import { recordEvenInCi } from '../fixtures/http-env.ts'
import { tempDir } from '../test-utils/temp-dir.ts'

const SECRET_KEY = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc'
const PASSWORD = 'SecurePass123!'

/** A loopback server standing in for a third-party API. */
async function startUpstream() {
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk) => {
      body += chunk
    })
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://upstream')
      res.setHeader('content-type', 'application/json')
      if (url.pathname === '/v1/login') {
        res.setHeader('set-cookie', 'session=sess_0123456789; Path=/; HttpOnly')
        return res.end(
          JSON.stringify({ access_token: 'at_0123456789abcdef', token_type: 'Bearer', user: { id: 'u_1' } }),
        )
      }
      if (url.pathname === '/v1/charges') {
        return res.end(
          JSON.stringify({ data: [{ id: 'ch_1', amount: 1000 }], limit: Number(url.searchParams.get('limit')) }),
        )
      }
      if (url.pathname === '/v1/whoami') return res.end(JSON.stringify({ authorization: req.headers.authorization }))
      res.statusCode = 404
      res.end(JSON.stringify({ error: 'not found', body }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() }
}

/** What the app under test does with the API: log in, then list charges with the key. */
async function appTalksToApi(origin: string, limit = 2): Promise<unknown> {
  const login = await fetch(`${origin}/v1/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'ann', password: PASSWORD }),
  }).then((res) => res.json())
  const charges = await fetch(`${origin}/v1/charges?limit=${limit}&api_key=${SECRET_KEY}`, {
    headers: { authorization: `Bearer ${SECRET_KEY}` },
  }).then((res) => res.json())
  return { login, charges }
}

let upstream: { origin: string; close(): void }
recordEvenInCi()
beforeAll(async () => {
  upstream = await startUpstream()
})
afterAll(() => upstream.close())

function mockOptions(cassette: string, extra: HttpMockOptions = {}): HttpMockOptions {
  return { cassette, interceptLoopback: [new URL(upstream.origin).host], ...extra }
}

async function record(cassette: string, extra: HttpMockOptions = {}, app = appTalksToApi): Promise<unknown> {
  await using http = createHttpMock({ ...mockOptions(cassette, extra), mode: 'record' }).listen()
  const result = await http.run(() => app(upstream.origin))
  await http.verify()
  return result
}

describe.concurrent('record and replay', () => {
  test('records one readable cassette per test, with secrets redacted', async () => {
    const cassette = cassettePath(tempDir('testbed-cassettes-'), 'payments.test.ts', 'lists charges')
    expect(await record(cassette)).toEqual({
      login: { access_token: 'at_0123456789abcdef', token_type: 'Bearer', user: { id: 'u_1' } },
      charges: { data: [{ id: 'ch_1', amount: 1000 }], limit: 2 },
    })
    expect(cassette).toMatch(/payments-test-ts\/lists-charges\.json$/)
    expect(readFileSync(cassette, 'utf8')).toBe(expectedCassette(upstream.origin))
  })

  test('records the same exchanges to the same bytes', async () => {
    const dir = tempDir('testbed-cassettes-')
    await record(join(dir, 'first.json'))
    await record(join(dir, 'second.json'))
    expect(readFileSync(join(dir, 'first.json'), 'utf8')).toBe(readFileSync(join(dir, 'second.json'), 'utf8'))
  })

  test('replays from the cassette without reaching the server; redacted values match any value', async () => {
    const cassette = join(tempDir('testbed-cassettes-'), 'replay.json')
    const recorded = await record(cassette)
    // The upstream intercepted: a request the cassette cannot answer fails instead of reaching it.
    await using http = createHttpMock(mockOptions(cassette)).listen()
    expect(http.mode).toBe('replay')
    const replayed = await http.run(() => appTalksToApi(upstream.origin))
    expect(replayed).toEqual({
      ...(recorded as object),
      login: { ...(recorded as { login: object }).login, access_token: '[redacted]' },
    })
    await http.verify()
  })

  test('fails a request the cassette does not have, showing the nearest recorded request as a diff', async () => {
    const cassette = join(tempDir('testbed-cassettes-'), 'diff.json')
    await record(cassette)
    await using http = createHttpMock(mockOptions(cassette, { mode: 'replay' })).listen()
    await http.run(() => appTalksToApi(upstream.origin, 5).catch(() => undefined))
    const message = await http.verify().then(
      () => 'passed',
      (error: Error) => error.message,
    )
    expect(message).toBe(
      [
        '[testbed] Outbound HTTP did not go as mocked: 1 unmatched request.',
        `No declared mock matches it, nor an unused recording in ${cassette}: testbed failed the request, and fails the test even if the app caught the error. Fix the code, or record the cassette again with \`TESTBED_HTTP_MODE=record\` if the request changed on purpose.`,
        `  • unmatched: GET ${upstream.origin}/v1/charges?limit=5&api_key=${SECRET_KEY}`,
        '    nearest recorded request (interaction 2), - recorded + sent:',
        `      - GET ${upstream.origin}/v1/charges?limit=2&api_key=[redacted]`,
        `      + GET ${upstream.origin}/v1/charges?limit=5&api_key=[redacted]`,
        'Read more: node_modules/testbed/docs/errors.md#testbed_http_unmatched_request',
      ].join('\n'),
    )
  })

  test('removes a redacted value wherever else it appears: a key the API echoes back', async () => {
    const cassette = join(tempDir('testbed-cassettes-'), 'echo.json')
    const echoesTheKey = (origin: string) =>
      fetch(`${origin}/v1/whoami`, { headers: { authorization: `Bearer ${SECRET_KEY}` } }).then((res) => res.json())
    expect(await record(cassette, {}, echoesTheKey)).toEqual({ authorization: `Bearer ${SECRET_KEY}` })
    expect(JSON.parse(readFileSync(cassette, 'utf8')).interactions[0].response.body).toEqual({
      json: { authorization: '[redacted]' },
    })
  })

  test('declared mocks answer before the cassette, in record and replay alike', async () => {
    const cassette = join(tempDir('testbed-cassettes-'), 'mixed.json')
    await using http = createHttpMock(mockOptions(cassette, { mode: 'record' })).listen()
    http.post(`${upstream.origin}/v1/login`).reply(200, { access_token: 'mocked_token_1', token_type: 'Bearer' })
    const result = await http.run(() => appTalksToApi(upstream.origin))
    expect(result).toMatchObject({ login: { access_token: 'mocked_token_1' } })
    await http.verify()
    const recorded = JSON.parse(readFileSync(cassette, 'utf8')).interactions
    expect(recorded.map((interaction: { request: { url: string } }) => interaction.request.url)).toEqual([
      `${upstream.origin}/v1/charges?limit=2&api_key=[redacted]`,
    ])
  })
})

describe('with CI set', () => {
  test('never records, and a missing cassette says how to record it locally', async () => {
    const cassette = join(tempDir('testbed-cassettes-'), 'missing.json')
    process.env.CI = 'true'
    try {
      expect(() => createHttpMock(mockOptions(cassette)).listen()).toThrow(
        `[testbed] No cassette to replay: ${cassette}.\nCI is set, so testbed never records and never reaches the network, and this test has no recording. Record it on your machine with \`TESTBED_HTTP_MODE=record npx vitest run <test file>\` (the real API must be reachable), then commit the cassette.`,
      )
      expect(() => createHttpMock(mockOptions(cassette, { mode: 'record' })).listen()).toThrow(
        `[testbed] Recording is off in CI: ${cassette}.`,
      )
    } finally {
      delete process.env.CI
    }
  })
})

function expectedCassette(origin: string): string {
  const cassette = {
    version: 1,
    interactions: [
      {
        request: {
          method: 'POST',
          url: `${origin}/v1/login`,
          headers: {
            accept: '*/*',
            'accept-language': '*',
            'content-type': 'application/json',
            'sec-fetch-mode': 'cors',
            'user-agent': 'node',
          },
          body: { json: { username: 'ann', password: '[redacted]' } },
        },
        response: {
          status: 200,
          headers: { 'content-type': 'application/json', 'set-cookie': ['[redacted]'] },
          body: { json: { access_token: '[redacted]', token_type: 'Bearer', user: { id: 'u_1' } } },
        },
      },
      {
        request: {
          method: 'GET',
          url: `${origin}/v1/charges?limit=2&api_key=[redacted]`,
          headers: {
            accept: '*/*',
            'accept-language': '*',
            authorization: '[redacted]',
            'sec-fetch-mode': 'cors',
            'user-agent': 'node',
          },
        },
        response: {
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: { json: { data: [{ id: 'ch_1', amount: 1000 }], limit: 2 } },
        },
      },
    ],
  }
  // Pretty JSON with two spaces and a final newline, keys in this order.
  return `${JSON.stringify(cassette, null, 2)}\n`
}
