// Per-query overhead of the wire endpoint under isolation 'transaction': a test of 100 small queries
// (INSERT and SELECT by turns, with parameters, as pg sends them) through pg.Client connected to the
// endpoint, against the same test on a pg.Client connected straight to the database (BEGIN …
// ROLLBACK). Same server, same run, the variants' order rotating every round. Prints per-test and
// per-query medians, the ratio and the time added per query; never fails on time.
// Usage: npx node bench/endpoint-overhead.ts [--tests N] [--queries N] [--warmup N]
import { mkdtempSync, rmSync } from 'node:fs'
import { type AddressInfo, connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { createWireEndpoint, type WireEndpoint } from '../src/isolation/endpoint/wire-endpoint.ts'
import { postgres } from '../src/services/postgres/postgres-service.ts'
import { startServices } from '../src/services/service-set.ts'

const TARGET_RATIO = 1.2
const TARGET_ADDED_MS = 0.05
const { values: args } = parseArgs({
  options: {
    tests: { type: 'string', default: '300' },
    queries: { type: 'string', default: '100' },
    warmup: { type: 'string', default: '30' },
  },
})
const [tests, queries, warmup] = [Number(args.tests), Number(args.queries), Number(args.warmup)]

interface Variant {
  readonly name: string
  readonly client: pg.Client
  begin(): Promise<void>
  end(): Promise<void>
}

interface Timings {
  readonly perTest: number[]
  readonly perQuery: number[]
}

const root = mkdtempSync(join(tmpdir(), 'testbed-bench-endpoint-'))
process.env.TESTBED_QUIET = '1'
const services = await startServices({ db: postgres({ provider: 'embedded' }) }, { projectDir: root })
const closers: Array<() => Promise<unknown>> = []
try {
  const url = await benchDatabase(services.services[0]?.url ?? '')
  const socketUrl = await unixSocketUrl(url)
  const variants = [
    await direct(url),
    await direct(await bareRelay(url), 'bare TCP relay (floor of any proxy)'),
    await throughEndpoint('endpoint', { url }),
    await throughEndpoint('endpoint, server by socket', { url: socketUrl }),
    await throughEndpoint('endpoint, both by socket', { url: socketUrl, unixSocket: true }),
    await throughEndpoint('endpoint, no statement savepoints', { url, statementSavepoints: false }),
  ]
  await runRounds(variants, warmup)
  report(await runRounds(variants, tests))
} finally {
  for (const close of closers.reverse()) await close().catch(() => {})
  await services.stop()
  rmSync(root, { recursive: true, force: true })
}

async function direct(url: string, name = 'direct pg.Client'): Promise<Variant> {
  const client = await connected(url)
  return {
    name,
    client,
    begin: async () => void (await client.query('BEGIN')),
    end: async () => void (await client.query('ROLLBACK')),
  }
}

interface EndpointSetup {
  readonly url: string
  readonly unixSocket?: boolean
  readonly statementSavepoints?: boolean
}

async function throughEndpoint(name: string, { url, ...options }: EndpointSetup): Promise<Variant> {
  const endpoint: WireEndpoint = await createWireEndpoint({ betweenTests: url, ...options })
  closers.push(() => endpoint.close())
  const client = await connected(endpoint.socketUrl ?? endpoint.url)
  return {
    name,
    client,
    begin: () => endpoint.beginTest({ isolation: 'transaction', url }),
    end: async () => void (await endpoint.endTest()),
  }
}

async function connected(url: string): Promise<pg.Client> {
  const client = new pg.Client(url)
  await client.connect()
  closers.push(() => client.end())
  return client
}

async function benchDatabase(adminUrl: string): Promise<string> {
  const admin = await connected(adminUrl)
  await admin.query('CREATE DATABASE bench_endpoint')
  const url = adminUrl.replace(/\/postgres$/, '/bench_endpoint')
  const client = await connected(url)
  await client.query('CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL)')
  return url
}

/**
 * A relay in this process that pipes bytes between each client and the server, doing nothing
 * else: the cost of one more hop through the event loop and the loopback, which no proxy avoids.
 */
async function bareRelay(url: string): Promise<string> {
  const target = new URL(url)
  const server = createServer((client) => {
    client.setNoDelay(true)
    const upstream = connect(Number(target.port), target.hostname)
    upstream.setNoDelay(true)
    client.pipe(upstream).pipe(client)
    client.on('error', () => upstream.destroy())
    upstream.on('error', () => client.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  closers.push(() => new Promise((resolve) => server.close(resolve)))
  const relayed = new URL(url)
  relayed.port = String((server.address() as AddressInfo).port)
  return relayed.toString()
}

/** The database's URL through the server's Unix socket (libpq's form: the directory as `host`). */
async function unixSocketUrl(url: string): Promise<string> {
  const client = await connected(url)
  const { rows } = await client.query<{ unix_socket_directories: string }>('SHOW unix_socket_directories')
  const dir = rows[0]?.unix_socket_directories.split(',')[0]?.trim() ?? ''
  const parsed = new URL(url)
  return `postgresql://${parsed.username}@localhost:${parsed.port}${parsed.pathname}?host=${encodeURIComponent(dir)}`
}

/** One test: begin, `queries` small queries timed one by one, end. */
async function runTest(variant: Variant, round: number, timings: Timings): Promise<void> {
  const started = performance.now()
  await variant.begin()
  for (let i = 0; i < queries; i++) {
    const queryStarted = performance.now()
    if (i % 2 === 0) await variant.client.query('INSERT INTO items (name) VALUES ($1)', [`item ${round}-${i}`])
    else await variant.client.query('SELECT id, name FROM items WHERE name = $1', [`item ${round}-${i - 1}`])
    timings.perQuery.push(performance.now() - queryStarted)
  }
  await variant.end()
  timings.perTest.push(performance.now() - started)
}

// Rotating which variant goes first, so a slow patch of the machine hits all alike.
async function runRounds(variants: Variant[], count: number): Promise<Map<string, Timings>> {
  const timings = new Map(variants.map((variant) => [variant.name, { perTest: [], perQuery: [] } as Timings]))
  for (let round = 0; round < count; round++) {
    const order = [...variants.slice(round % variants.length), ...variants.slice(0, round % variants.length)]
    for (const variant of order) await runTest(variant, round, timings.get(variant.name) as Timings)
  }
  return timings
}

function report(timings: Map<string, Timings>): void {
  console.log(`${tests} tests of ${queries} queries after ${warmup} warm-up tests; medians\n`)
  console.log(`${'variant'.padEnd(36)}${'per test'.padStart(12)}${'per query'.padStart(12)}${'p95 query'.padStart(12)}`)
  const rows = [...timings].map(([name, { perTest, perQuery }]) => ({
    name,
    test: quantile(perTest, 0.5),
    query: quantile(perQuery, 0.5),
    p95: quantile(perQuery, 0.95),
  }))
  for (const { name, test, query, p95 } of rows) {
    console.log(`${name.padEnd(36)}${`${test.toFixed(2)} ms`.padStart(12)}${ms(query)}${ms(p95)}`)
  }
  const [base, ...others] = rows
  if (base === undefined) return
  console.log('')
  for (const row of others) {
    const ratio = row.test / base.test
    const added = row.query - base.query
    console.log(
      `${row.name}: ${ratio.toFixed(2)}× per test (goal ≤ ${TARGET_RATIO}×) ${ratio <= TARGET_RATIO ? '✓' : '✗'}, ` +
        `${added.toFixed(3)} ms added per query (goal ≤ ${TARGET_ADDED_MS} ms) ${added <= TARGET_ADDED_MS ? '✓' : '✗'}`,
    )
  }
}

function quantile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN
}

function ms(value: number): string {
  return `${value.toFixed(3)} ms`.padStart(12)
}
