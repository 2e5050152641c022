// Memory of the PostgreSQL server testbed starts, as the machine pays it: the PSS (proportional set
// size: private pages plus each shared page divided among the processes that map it) of the
// postmaster and all its children, from /proc/<pid>/smaps_rollup. Measured idle (the baseline, in
// the same run), every 50 ms during a 1,000-test suite run by 2 workers at once (two isolations in this
// process, each with its own connections and clones, as two Vitest workers have; its wall time too),
// and a second after the run ended. With --settings, a server with them is measured the same way,
// in the order defaults, settings, settings, defaults.
// Linux only. Never fails on memory.
// Usage: npx node bench/server-memory.ts [--tests N] [--strategy transaction|database|reset]
//        [--settings 'shared_buffers=16MB,max_connections=30'] (a server with these settings, after the default one)
import { readdirSync, readFileSync } from 'node:fs'
import { setTimeout } from 'node:timers/promises'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { createIsolation, ISOLATION_NAMES } from '../src/isolation/create-isolation.ts'
import type { IsolationName } from '../src/isolation/isolated-database.ts'
import { benchPostgres } from './bench-postgres.ts'

const { values: args } = parseArgs({
  options: {
    tests: { type: 'string', default: '1000' },
    strategy: { type: 'string', default: 'transaction' },
    settings: { type: 'string' },
  },
})
const tests = Number(args.tests)
const strategy = args.strategy as IsolationName
if (!ISOLATION_NAMES.includes(strategy as never)) throw new Error(`--strategy: one of ${ISOLATION_NAMES.join(', ')}`)
const WORKERS = 2
const SAMPLE_MS = 50
const AFTER_MS = 1000
const template = {
  migrations: 'migrations',
  seeds: ['seed.sql'],
  baseDir: new URL('../test/fixtures/shop-schema/', import.meta.url).pathname,
}

const defaults: [string, Record<string, string>] = ['testbed defaults', {}]
// A, B, B, A: the first suite of the process also pays for warming Node up, which would tell on the
// run time of whichever server came first.
const custom: Array<[string, Record<string, string>]> = args.settings
  ? [[args.settings, parseSettings(args.settings)]]
  : []
const servers = custom.length > 0 ? [defaults, ...custom, ...custom, defaults] : [defaults]
console.log(`${tests} tests under '${strategy}', ${WORKERS} workers; PSS of the server's processes, MB\n`)
console.log(
  'server                                    idle   during (max)   after   processes (max)   max ÷ idle   run time',
)
for (const [label, settings] of servers) await measure(label, settings)

async function measure(label: string, settings: Record<string, string>): Promise<void> {
  const stateDir = process.env.TESTBED_STATE_DIR
  const server = await benchPostgres('memory', settings)
  try {
    const postmaster = await postmasterPid(server.adminUrl)
    const idle = serverPss(postmaster)
    let peak = idle
    const sampler = setInterval(() => {
      const now = serverPss(postmaster)
      if (now.mb > peak.mb) peak = { mb: now.mb, processes: Math.max(now.processes, peak.processes) }
    }, SAMPLE_MS)
    const perWorker = Math.ceil(tests / WORKERS)
    const started = performance.now()
    await Promise.all(Array.from({ length: WORKERS }, (_, worker) => runWorker(server.adminUrl, worker, perWorker)))
    const seconds = (performance.now() - started) / 1000
    clearInterval(sampler)
    // Closed connections' processes take a moment to exit.
    await setTimeout(AFTER_MS)
    const after = serverPss(postmaster)
    console.log(
      `${label.padEnd(40)} ${idle.mb.toFixed(1).padStart(6)} ${peak.mb.toFixed(1).padStart(13)} ${after.mb.toFixed(1).padStart(8)} ${`${idle.processes} → ${peak.processes}`.padStart(17)} ${`${(peak.mb / idle.mb).toFixed(2)}×`.padStart(12)} ${`${seconds.toFixed(2)} s`.padStart(10)}`,
    )
  } finally {
    await server.stop()
    // benchPostgres() points the state dir into the folder stop() removed; the next server makes its own.
    if (stateDir === undefined) delete process.env.TESTBED_STATE_DIR
    else process.env.TESTBED_STATE_DIR = stateDir
  }
}

async function runWorker(adminUrl: string, worker: number, count: number): Promise<void> {
  await using isolation = await createIsolation(adminUrl, { strategy, template })
  for (let round = 0; round < count; round++) {
    const db = await isolation.begin()
    for (let i = 0; i < 3; i++) {
      await db.query('INSERT INTO users (email) VALUES ($1)', [`w${worker}-${round}-${i}@example.com`])
    }
    await db.query('SELECT id, email FROM users WHERE email LIKE $1', [`w${worker}-${round}-%`])
    await isolation.rollback(db)
  }
}

/** The postmaster: the parent of the backend serving a connection of our own. */
async function postmasterPid(adminUrl: string): Promise<number> {
  const client = new pg.Client(adminUrl)
  await client.connect()
  try {
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')
    return parentOf(rows[0]?.pid ?? 0)
  } finally {
    await client.end()
  }
}

function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // Fields after the command name, which is in parentheses and may contain spaces.
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
}

/** PSS of the postmaster and its children, now. */
function serverPss(postmaster: number): { mb: number; processes: number } {
  const pids = [postmaster]
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      if (parentOf(Number(entry)) === postmaster) pids.push(Number(entry))
    } catch {
      // The process ended between the listing and the read.
    }
  }
  let kb = 0
  for (const pid of pids) kb += pssKb(pid)
  return { mb: kb / 1024, processes: pids.length }
}

function pssKb(pid: number): number {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8')
    return Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0)
  } catch {
    return 0
  }
}

function parseSettings(text: string): Record<string, string> {
  return Object.fromEntries(text.split(',').map((pair) => pair.split('=') as [string, string]))
}
