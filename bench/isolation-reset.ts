// Targeted reset against TRUNCATE of every table, in one run: a test wrote 3 of 50 tables (a few rows
// each); testbed's reset restores just those 3, the baseline truncates all 50 (what suites do by hand).
// The reset runs two ways: on a connection that only restores (session_replication_role = replica
// for good, as the `reset` strategy's control connection and a `database` clone's restorer do), and
// on the test's own connection, which must set the role per call (what every reset did before).
// Prints medians and the ratios; never fails on time. Usage: npx node bench/isolation-reset.ts [--rounds N]
import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { installWriteTracking, resetWrittenTables, restoringSession } from '../src/isolation/tracking/write-tracking.ts'
import { postgres } from '../src/services/postgres/postgres-service.ts'
import { startServices } from '../src/services/service-set.ts'

const TABLES = 50
const WRITTEN = 3
const TARGET_SPEEDUP = 10
// The reset's sequence step as it was and as it is, on their own.
const SEQUENCES_THROUGH_VIEW = `SELECT count(*) FROM testbed_tracking.baseline_sequences s
  JOIN pg_sequences q USING (schemaname, sequencename)
  WHERE q.last_value IS DISTINCT FROM (CASE WHEN s.is_called THEN s.last_value END)`
const SEQUENCES_DIRECT = `SELECT count(*) FROM testbed_tracking.baseline_sequences s
  JOIN pg_class c ON c.oid = s.relid
  WHERE pg_sequence_last_value(c.oid) IS DISTINCT FROM (CASE WHEN s.is_called THEN s.last_value END)`

const rounds = Number(parseArgs({ options: { rounds: { type: 'string', default: '300' } } }).values.rounds)

const root = mkdtempSync(join(tmpdir(), 'testbed-bench-reset-'))
// PostgreSQL runs as another account when we are root; it must reach the data dirs below.
chmodSync(root, 0o711)
process.env.TESTBED_STATE_DIR = join(root, 'state')
process.env.TESTBED_QUIET = '1'
await using services = await startServices({ db: postgres({ provider: 'embedded' }) }, { projectDir: root })
const adminUrl = services.services[0]?.url ?? ''

try {
  const reset = await connectedDatabase('bench_reset', true)
  const restorer = new pg.Client(adminUrl.replace(/\/postgres$/, '/bench_reset'))
  await restorer.connect()
  await restoringSession(restorer)
  const truncate = await connectedDatabase('bench_truncate', false)
  const timings = { reset: [] as number[], perCall: [] as number[], truncate: [] as number[] }
  const sequences = { view: [] as number[], direct: [] as number[] }
  for (let round = 0; round < rounds; round++) {
    sequences.view.push(await timeQuery(restorer, SEQUENCES_THROUGH_VIEW))
    sequences.direct.push(await timeQuery(restorer, SEQUENCES_DIRECT))
    timings.reset.push(await timeCleanup(reset, () => resetWrittenTables(restorer)))
    timings.perCall.push(await timeCleanup(reset, () => resetWrittenTables(reset)))
    timings.truncate.push(await timeCleanup(truncate, () => truncateAll(truncate)))
  }
  report(timings)
  const [view, direct] = [median(sequences.view), median(sequences.direct)]
  console.log(`finding the moved sequences among ${TABLES} (the reset's last step, none moved, one round trip):`)
  console.log(`  through the pg_sequences view (before)   ${view.toFixed(3)} ms`)
  console.log(
    `  pg_sequence_last_value() (now)           ${direct.toFixed(3)} ms (${(view / direct).toFixed(2)}× faster)`,
  )
  await reset.end()
  await restorer.end()
  await truncate.end()
} finally {
  await services.stop()
  rmSync(root, { recursive: true, force: true })
}

async function connectedDatabase(name: string, tracked: boolean): Promise<pg.Client> {
  const admin = new pg.Client(adminUrl)
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const client = new pg.Client(adminUrl.replace(/\/postgres$/, `/${name}`))
  await client.connect()
  await client.query(schemaSql())
  if (tracked) await installWriteTracking(client)
  return client
}

function schemaSql(): string {
  return Array.from(
    { length: TABLES },
    (_, i) =>
      `CREATE TABLE t${i} (id serial PRIMARY KEY, name text NOT NULL, created_at timestamptz DEFAULT now());
     INSERT INTO t${i} (name) VALUES ('seed');`,
  ).join('\n')
}

// The same "test" each round: three rows into each of three tables, then the cleanup under measurement.
async function timeCleanup(client: pg.Client, cleanup: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < WRITTEN; i++) {
    await client.query(`INSERT INTO t${i * 7} (name) VALUES ('a'), ('b'), ('c')`)
  }
  const started = performance.now()
  await cleanup()
  return performance.now() - started
}

async function timeQuery(client: pg.Client, sql: string): Promise<number> {
  const started = performance.now()
  await client.query(sql)
  return performance.now() - started
}

function truncateAll(client: pg.Client): Promise<unknown> {
  const names = Array.from({ length: TABLES }, (_, i) => `t${i}`).join(', ')
  return client.query(`TRUNCATE ${names} RESTART IDENTITY`)
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}

function report(timings: { reset: number[]; perCall: number[]; truncate: number[] }): void {
  const reset = median(timings.reset)
  const perCall = median(timings.perCall)
  const truncate = median(timings.truncate)
  const speedup = truncate / reset
  console.log(`reset of ${WRITTEN} written tables out of ${TABLES}, ${rounds} rounds (median):`)
  console.log(`  testbed reset, restoring connection       ${reset.toFixed(3)} ms`)
  console.log(
    `  testbed reset, role set per call (before) ${perCall.toFixed(3)} ms (${(perCall / reset).toFixed(2)}× the restoring connection)`,
  )
  console.log(`  TRUNCATE all tables  ${truncate.toFixed(3)} ms`)
  console.log(
    `  speed-up             ${speedup.toFixed(1)}× (target ≥ ${TARGET_SPEEDUP}×: ${speedup >= TARGET_SPEEDUP ? 'PASS' : 'MISS'})`,
  )
}
