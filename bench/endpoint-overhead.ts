// Per-query overhead of the wire endpoint under isolation 'transaction': a test of 100 small queries
// (INSERT and SELECT by turns, with parameters, as pg sends them) through pg.Client connected to the
// endpoint, against the same test on a pg.Client connected straight to the database over TCP (BEGIN …
// ROLLBACK), and through bare byte relays (bench/byte-relay.ts), the floor of any proxy. Same server,
// same run, the variants' order rotating every round. Prints per-test and per-query medians, the
// ratio and the time added per query, and each endpoint variant against the relay on the same
// transports; never fails on time.
// Usage: npx node bench/endpoint-overhead.ts [--tests N] [--queries N] [--warmup N] [--only <name part>]
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { createWireEndpoint, type WireEndpoint } from '../src/isolation/endpoint/wire-endpoint.ts'
import { postgres } from '../src/services/postgres/postgres-service.ts'
import { startServices } from '../src/services/service-set.ts'
import { type RelayAddress, relaySocketDir, startRelay, startRelayInWorker } from './byte-relay.ts'

const TARGET_RATIO = 1.2
const TARGET_ADDED_MS = 0.05
const { values: args } = parseArgs({
  options: {
    tests: { type: 'string', default: '300' },
    queries: { type: 'string', default: '100' },
    warmup: { type: 'string', default: '30' },
    only: { type: 'string' },
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
  /** CPU time of this whole process (client, relay or endpoint) per query, in ms: hardly moved by the load. */
  readonly cpuPerQuery: number[]
}

const root = mkdtempSync(join(tmpdir(), 'testbed-bench-endpoint-'))
process.env.TESTBED_QUIET = '1'
const services = await startServices({ db: postgres({ provider: 'embedded' }) }, { projectDir: root })
const closers: Array<() => Promise<unknown>> = []
try {
  const url = await benchDatabase(services.services[0]?.url ?? '')
  const socketUrl = await unixSocketUrl(url)
  const all = [
    await direct(url),
    await throughRelay('bare relay, TCP to it', url, upstreamOf(socketUrl), startRelay),
    await throughRelay('bare relay, Unix sockets', socketUrl, upstreamOf(socketUrl), startRelay),
    await throughRelay('bare relay in a worker, Unix sockets', socketUrl, upstreamOf(socketUrl), startRelayInWorker),
    // The endpoint finds the server's Unix socket itself (backend/local-socket.ts) from its TCP URL.
    await throughEndpoint('endpoint, TCP to it', { url }, 'tcp'),
    await throughEndpoint('endpoint, Unix sockets (env)', { url }, 'socket'),
    await throughEndpoint('endpoint, no statement savepoints', { url, statementSavepoints: false }, 'socket'),
  ]
  // --only <text>: the baseline and the variants whose name contains it (to profile one of them).
  const variants = all.filter((variant, index) => index === 0 || variant.name.includes(args.only ?? ''))
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
  readonly statementSavepoints?: boolean
}

async function throughEndpoint(name: string, { url, ...options }: EndpointSetup, to: 'tcp' | 'socket') {
  const endpoint: WireEndpoint = await createWireEndpoint({ betweenTests: url, ...options })
  closers.push(() => endpoint.close())
  const client = await connected(to === 'tcp' ? endpoint.url : (endpoint.env.DATABASE_URL ?? ''))
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
 * A pg.Client through a bare byte relay (bench/byte-relay.ts) to `upstream`, listening where `url`
 * points: on TCP for a TCP URL, else on a Unix socket.
 */
async function throughRelay(name: string, url: string, upstream: RelayAddress, start: typeof startRelay) {
  const relayed = new URL(url)
  if (!relayed.searchParams.has('host')) {
    const relay = await start({ port: 0, host: '127.0.0.1' }, upstream)
    closers.push(() => relay.close())
    relayed.port = String((relay.listening as { port: number }).port)
    return direct(relayed.toString(), name)
  }
  const place = relaySocketDir(Number(relayed.port))
  const relay = await start({ path: place.path }, upstream)
  closers.push(async () => {
    await relay.close()
    place.remove()
  })
  relayed.searchParams.set('host', place.dir)
  return direct(relayed.toString(), name)
}

/** The server's socket path in a URL of libpq's form. */
function upstreamOf(socketUrl: string): RelayAddress {
  const parsed = new URL(socketUrl)
  return { path: join(parsed.searchParams.get('host') ?? '', `.s.PGSQL.${parsed.port}`) }
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
  const cpu = process.cpuUsage()
  await variant.begin()
  for (let i = 0; i < queries; i++) {
    const queryStarted = performance.now()
    if (i % 2 === 0) await variant.client.query('INSERT INTO items (name) VALUES ($1)', [`item ${round}-${i}`])
    else await variant.client.query('SELECT id, name FROM items WHERE name = $1', [`item ${round}-${i - 1}`])
    timings.perQuery.push(performance.now() - queryStarted)
  }
  await variant.end()
  timings.perTest.push(performance.now() - started)
  const { user, system } = process.cpuUsage(cpu)
  timings.cpuPerQuery.push((user + system) / 1000 / queries)
}

// Rotating which variant goes first, so a slow patch of the machine hits all alike.
async function runRounds(variants: Variant[], count: number): Promise<Map<string, Timings>> {
  const timings = new Map(
    variants.map((variant) => [variant.name, { perTest: [], perQuery: [], cpuPerQuery: [] } as Timings]),
  )
  for (let round = 0; round < count; round++) {
    const order = [...variants.slice(round % variants.length), ...variants.slice(0, round % variants.length)]
    for (const variant of order) await runTest(variant, round, timings.get(variant.name) as Timings)
  }
  return timings
}

function report(timings: Map<string, Timings>): void {
  console.log(`${tests} tests of ${queries} queries after ${warmup} warm-up tests; medians\n`)
  const columns = ['per test', 'per query', 'p95 query', 'CPU/query']
  console.log(`${'variant'.padEnd(40)}${columns.map((column) => column.padStart(12)).join('')}`)
  const rows = [...timings].map(([name, { perTest, perQuery, cpuPerQuery }]) => ({
    name,
    cpu: quantile(cpuPerQuery, 0.5),
    test: quantile(perTest, 0.5),
    query: quantile(perQuery, 0.5),
    p95: quantile(perQuery, 0.95),
  }))
  for (const { name, test, query, p95, cpu } of rows) {
    console.log(`${name.padEnd(40)}${`${test.toFixed(2)} ms`.padStart(12)}${ms(query)}${ms(p95)}${ms(cpu)}`)
  }
  const [base, ...others] = rows
  if (base === undefined) return
  console.log('')
  for (const row of others) {
    if (!row.name.startsWith('endpoint')) continue
    const ratio = row.test / base.test
    const added = row.query - base.query
    console.log(
      `${row.name}: ${ratio.toFixed(2)}× per test (goal ≤ ${TARGET_RATIO}×) ${ratio <= TARGET_RATIO ? '✓' : '✗'}, ` +
        `${added.toFixed(3)} ms added per query (goal ≤ ${TARGET_ADDED_MS} ms) ${added <= TARGET_ADDED_MS ? '✓' : '✗'}`,
    )
  }
  console.log('\nAgainst the floor, a bare relay on the same transports (less dependent on the load):')
  for (const row of others) {
    const floor = rows.find(({ name }) => name === floorOf(row.name))
    if (floor === undefined || row === floor) continue
    const [own, cpu] = [row.query - floor.query, (row.cpu - floor.cpu) * 1000]
    console.log(
      `${row.name}: ${(row.test / floor.test).toFixed(2)}× the relay per test, ${own.toFixed(3)} ms more per query, ` +
        `${cpu.toFixed(0)} µs more CPU per query`,
    )
  }
}

// The relay whose transports the variant uses: what is left above it is the endpoint's own work.
function floorOf(name: string): string {
  if (name.startsWith('bare relay in a worker')) return 'bare relay, Unix sockets'
  if (name.startsWith('bare relay')) return ''
  return name.includes('TCP to it') ? 'bare relay, TCP to it' : 'bare relay, Unix sockets'
}

function quantile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN
}

function ms(value: number): string {
  return `${value.toFixed(3)} ms`.padStart(12)
}
