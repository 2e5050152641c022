// The network guard of integration tests (testbed/vitest runs each one in `runGuarded`): traffic no
// http mock answers fails before any DNS lookup or connection, whichever client sends it.
// Names under `.invalid` resolve to 127.0.0.1 here (a stand-in resolver under the guard, which
// also records what reaches it), so what the guard lets through stays on this machine.
import dns, { lookup as namedLookup } from 'node:dns'
import http from 'node:http'
import https from 'node:https'
import net, { type AddressInfo } from 'node:net'
import axios from 'axios'
import got from 'got'
import { fetch as undiciFetch, request as undiciRequest } from 'undici'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { runGuarded, uninstallNetworkGuard } from '../../src/http/guard/network-guard.ts'
import { createHttpMock, runInHttpScope } from '../../src/public/http.ts'
import { recordEvenInCi } from '../fixtures/http-env.ts'
import { tempDir } from '../test-utils/temp-dir.ts'

const resolved: string[] = []
const realLookup = dns.lookup
let upstream: { port: number; close(): void }

beforeAll(async () => {
  dns.lookup = ((hostname: string, ...rest: unknown[]) => {
    resolved.push(hostname)
    const local = hostname.endsWith('.invalid') ? '127.0.0.1' : hostname
    return Reflect.apply(realLookup, dns, [local, ...rest])
  }) as typeof dns.lookup
  const server = http.createServer((req, res) => res.end(`upstream got ${req.method} ${req.url}`))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  upstream = { port: (server.address() as AddressInfo).port, close: () => server.close() }
})
afterAll(async () => {
  upstream.close()
  uninstallNetworkGuard()
  dns.lookup = realLookup
})
recordEvenInCi()

const get = (module: typeof http | typeof https) => (url: string) =>
  new Promise((resolve, reject) => module.get(url, resolve).on('error', reject))
const clients: Array<[string, (url: string) => Promise<unknown>]> = [
  ['global fetch', (url) => fetch(url)],
  ['node:http', get(http)],
  ['node:https', get(https)],
  ['undici request', (url) => undiciRequest(url)],
  ['undici fetch', (url) => undiciFetch(url)],
  ['axios', (url) => axios.get(url)],
  ['got', (url) => got(url, { retry: { limit: 0 } })],
]

function unhandled(method: string, url: string): string {
  return [
    `[testbed] Unhandled outbound request in an integration test: ${method} ${url}.`,
    `No http mock answers it, and integration tests do not reach the network: testbed failed it before any DNS lookup or connection, and fails the test even if the app caught the error. Mock it with the \`http\` fixture (\`http.${method.toLowerCase()}('${url}').reply(…)\`), or let this test reach the network with \`{ meta: { unhandledHttp: 'bypass' } }\` (every test: \`unhandledHttp: 'bypass'\` in testbed.config.ts).`,
  ].join('\n')
}

const unresolved = (hostname: string) => expect(resolved).not.toContain(hostname)

describe.concurrent('runGuarded with `error`', () => {
  test.for(clients)(
    'fails a request %s sends to the network, before any DNS lookup, and then the test',
    async ([name, send]) => {
      const host = `${name.replace(/\W+/g, '-')}.example.invalid`
      const scheme = name === 'node:http' ? 'http' : 'https'
      const url = `${scheme}://${host}/v1/users?page=2`
      const answered: unknown[] = []
      const guarded = runGuarded('error', () => send(url).then(answered.push.bind(answered), () => 'caught'))
      await expect(guarded).rejects.toThrow(unhandled('GET', url))
      expect(answered).toEqual([])
      unresolved(host)
    },
  )

  test('fails DNS lookups that are not HTTP: callback, promise and named import, and a raw socket by name', async () => {
    const hosts = ['cb.example.invalid', 'promise.example.invalid', 'named.example.invalid', 'raw.example.invalid']
    const failures: unknown[] = []
    const guarded = runGuarded('error', async () => {
      const cbLookup = new Promise((resolve, reject) => {
        dns.lookup(hosts[0] as string, (error, address) => (error ? reject(error) : resolve(address)))
      })
      failures.push(await cbLookup.catch((error: Error & { code?: string }) => error.code))
      failures.push(await dns.promises.lookup(hosts[1] as string).catch((error: { code?: string }) => error.code))
      const named = new Promise((resolve, reject) => {
        namedLookup(hosts[2] as string, {}, (error, address) => (error ? reject(error) : resolve(address)))
      })
      failures.push(await named.catch((error: { code?: string }) => error.code))
      failures.push(await rawClient(hosts[3] as string).catch((error: { code?: string }) => error.code))
    })
    await expect(guarded).rejects.toThrow(
      [
        '[testbed] Unhandled outbound traffic in an integration test: 4 requests and lookups.',
        "No http mock answers them, and integration tests do not reach the network: testbed failed each before any DNS lookup or connection, and fails the test even if the app caught the errors. Mock them with the `http` fixture, or let this test reach the network with `{ meta: { unhandledHttp: 'bypass' } }` (every test: `unhandledHttp: 'bypass'` in testbed.config.ts).",
        ...hosts.map((host) => `  • DNS lookup of ${host}`),
      ].join('\n'),
    )
    expect(failures).toEqual(Array(4).fill('TESTBED_HTTP_UNHANDLED_LOOKUP'))
    for (const host of hosts) unresolved(host)
  })

  test('lets loopback through, and resolves *.localhost as localhost, without asking DNS', async () => {
    const answers = await runGuarded('error', async () => [
      await (await fetch(`http://127.0.0.1:${upstream.port}/direct`)).text(),
      await (await fetch(`http://app.localhost:${upstream.port}/named`)).text(),
      (await dns.promises.lookup('api.localhost', { family: 4 })).address,
    ])
    expect(answers).toEqual(['upstream got GET /direct', 'upstream got GET /named', '127.0.0.1'])
    unresolved('app.localhost')
    unresolved('api.localhost')
  })

  test('leaves a mocked test to its mock; a recording mock reaches the API it records', async () => {
    const url = `http://recorded.example.invalid:${upstream.port}/v1/charges`
    const answers = await runGuarded('error', async () => {
      await using mock = createHttpMock().listen()
      mock.get('https://api.example.com/users/1').reply(200, { id: '1' })
      const mocked = await (await fetch('https://api.example.com/users/1')).json()
      await using recording = createHttpMock({ cassette: `${tempDir()}/charges.json`, mode: 'record' }).listen()
      const recorded = await recording.run(async () => (await fetch(url)).text())
      await recording.verify()
      await mock.verify()
      return [mocked, recorded]
    })
    expect(answers).toEqual([{ id: '1' }, 'upstream got GET /v1/charges'])
    expect(resolved).toContain('recorded.example.invalid')
  })
})

describe.concurrent('runGuarded with `warn` and `bypass`', () => {
  test('`warn` lets traffic through, warning once per host', async () => {
    const warnings: string[] = []
    const realWarn = console.warn
    console.warn = (message: string) => warnings.push(message)
    try {
      const url = `http://warned.example.invalid:${upstream.port}/w`
      const answers = await runGuarded('warn', async () => [
        await (await fetch(url)).text(),
        await (await fetch(url)).text(),
      ])
      expect(answers).toEqual(['upstream got GET /w', 'upstream got GET /w'])
    } finally {
      console.warn = realWarn
    }
    expect(warnings).toEqual([
      `[testbed] Outbound traffic of an integration test reached the network (unhandledHttp: 'warn'): GET http://warned.example.invalid:${upstream.port}/w.`,
    ])
  })

  test('`bypass` lets traffic through silently, and so does a test without a guard (a unit test)', async () => {
    const url = (host: string) => `http://${host}.example.invalid:${upstream.port}/b`
    expect(await runGuarded('bypass', async () => (await fetch(url('bypassed'))).text())).toBe('upstream got GET /b')
    expect(await runInHttpScope(async () => (await fetch(url('unguarded'))).text())).toBe('upstream got GET /b')
    expect(resolved).toEqual(expect.arrayContaining(['bypassed.example.invalid', 'unguarded.example.invalid']))
  })
})

/** A client of a protocol where the client speaks first (as PostgreSQL's and Redis's do), by host name. */
function rawClient(host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(5432, host, () => socket.write('hello\r\n'))
    socket.on('data', (data) => resolve(String(data)))
    socket.on('error', reject)
  })
}
