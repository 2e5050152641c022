// A 1,000-test suite (each test inserts 3 rows and reads them back) under isolation 'transaction'
// through the wire endpoint — the app's own module-level pg.Pool on DATABASE_URL — against the same
// suite with testbed's db.pool, on the same template and server, the two interleaved test by test.
// Prints totals, per-test medians and the ratio; never fails on time.
// Usage: npx node bench/endpoint-suite.ts [--tests N]
import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { stateDir } from '../src/core/paths.ts'
import { createIsolation } from '../src/isolation/create-isolation.ts'
import { createWireEndpoint } from '../src/isolation/endpoint/wire-endpoint.ts'
import { postgres } from '../src/services/postgres/postgres-service.ts'
import { startServices } from '../src/services/service-set.ts'

const tests = Number(parseArgs({ options: { tests: { type: 'string', default: '1000' } } }).values.tests)
const template = {
  migrations: 'migrations',
  seeds: ['seed.sql'],
  baseDir: new URL('../test/fixtures/shop-schema/', import.meta.url).pathname,
}

type Query = (text: string, values: unknown[]) => Promise<unknown>
type Suite = { readonly name: string; runTest(round: number): Promise<void>; close(): Promise<void> }

const root = mkdtempSync(join(dirname(stateDir()), 'testbed-bench-endpoint-suite-'))
// PostgreSQL runs as another account when we are root; it must reach the data dirs below.
chmodSync(root, 0o711)
process.env.TESTBED_STATE_DIR = join(root, 'state')
process.env.TESTBED_QUIET = '1'
const services = await startServices({ db: postgres({ provider: 'embedded' }) }, { projectDir: root })
const adminUrl = services.services[0]?.url ?? ''

try {
  const suites = [await poolSuite(), await endpointSuite()]
  const durations = new Map(suites.map((suite) => [suite.name, [] as number[]]))
  const cpu = new Map(suites.map((suite) => [suite.name, [] as number[]]))
  for (let round = 0; round < tests; round++) {
    for (const suite of round % 2 === 0 ? suites : [...suites].reverse()) {
      const [started, cpuBefore] = [performance.now(), process.cpuUsage()]
      await suite.runTest(round)
      durations.get(suite.name)?.push(performance.now() - started)
      const { user, system } = process.cpuUsage(cpuBefore)
      cpu.get(suite.name)?.push((user + system) / 1000)
    }
  }
  for (const suite of suites) await suite.close()
  report(durations, cpu)
} finally {
  await services.stop()
  rmSync(root, { recursive: true, force: true })
}

// The test body both suites run: 3 rows in, read back.
async function testBody(query: Query, round: number): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await query('INSERT INTO users (email) VALUES ($1)', [`t${round}-${i}@example.com`])
  }
  await query('SELECT id, email FROM users WHERE email LIKE $1', [`t${round}-%`])
}

async function poolSuite(): Promise<Suite> {
  const isolation = await createIsolation(adminUrl, { strategy: 'transaction', template, leakCheck: false })
  return {
    name: "transaction, testbed's db.pool",
    runTest: async (round) => {
      const db = await isolation.begin()
      await testBody((text, values) => db.pool.query(text, values), round)
      await isolation.rollback(db)
    },
    close: () => isolation.close(),
  }
}

// The worker's database comes from an isolation of its own, as the Vitest wiring will take it.
async function endpointSuite(): Promise<Suite> {
  const isolation = await createIsolation(adminUrl, { strategy: 'transaction', template, leakCheck: false })
  const probe = await isolation.begin()
  await isolation.rollback(probe)
  const { url } = probe
  const endpoint = await createWireEndpoint({ betweenTests: url, database: new URL(url).pathname.slice(1) })
  // As the app would: its pool made from DATABASE_URL (the endpoint's Unix socket).
  const pool = new pg.Pool({ connectionString: endpoint.env.DATABASE_URL })
  return {
    name: "transaction, the app's own pool via the endpoint",
    runTest: async (round) => {
      await endpoint.beginTest({ isolation: 'transaction', url })
      await testBody((text, values) => pool.query(text, values), round)
      await endpoint.endTest()
    },
    close: async () => {
      await pool.end()
      await endpoint.close()
      await isolation.close()
    },
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}

// CPU is this process's (the app's pool, the endpoint, testbed's pool): the load moves it less than wall time.
function report(results: Map<string, number[]>, cpu: Map<string, number[]>): void {
  console.log(`${tests} tests, each inserting 3 rows and reading them back (PostgreSQL embedded, interleaved)\n`)
  console.log(
    `${'variant'.padEnd(50)}${'total'.padStart(10)}${'per test (median)'.padStart(20)}${'CPU/test'.padStart(12)}`,
  )
  const totals = [...results].map(([name, durations]) => ({
    name,
    total: durations.reduce((sum, value) => sum + value, 0),
    median: median(durations),
    cpu: median(cpu.get(name) ?? []),
  }))
  for (const { name, total, median, cpu } of totals) {
    const columns = [`${(total / 1000).toFixed(2)} s`.padStart(10), `${median.toFixed(3)} ms`.padStart(20)]
    console.log(`${name.padEnd(50)}${columns.join('')}${`${cpu.toFixed(3)} ms`.padStart(12)}`)
  }
  const [base, endpoint] = totals
  if (base === undefined || endpoint === undefined) return
  console.log(
    `\nendpoint / db.pool: ${(endpoint.total / base.total).toFixed(2)}× total, ${(endpoint.median / base.median).toFixed(2)}× median per test, ` +
      `${(endpoint.cpu / base.cpu).toFixed(2)}× CPU per test`,
  )
}
