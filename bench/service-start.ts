// PostgreSQL start time: testbed (cold and warm initdb cache) against plain `initdb` + `pg_ctl start`, in one run.
// Machines are noisy, so this prints medians and ratios against the same-run baseline and never fails on time.
// Usage: npm run bench [-- --samples N] [-- --before REF]. Data dirs go where testbed puts them by default
// (/dev/shm when it is a roomy tmpfs, else TMPDIR); TESTBED_BENCH_DIR=/tmp npm run bench measures a disk
// filesystem instead. --before REF also times testbed as it was at git revision REF, in the same rounds.
import { execFile, execFileSync, spawn, spawnSync } from 'node:child_process'
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, statfsSync, symlinkSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs, promisify } from 'node:util'
import type pg from 'pg'
import { stateDir } from '../src/core/paths.ts'
import { Run } from '../src/core/run-registry.ts'
import { startWatchdog } from '../src/core/run-watchdog.ts'
import { ephemeralPort } from '../src/providers/free-port.ts'
import { spawnIdentity, unprivilegedUser } from '../src/providers/run-as-user.ts'
import { packArchive, unpackArchive } from '../src/services/postgres/cache-archive.ts'
import { cachedCluster, initdbArgs, initdbEnv } from '../src/services/postgres/initdb-cache.ts'
import { findEmbeddedBinaries, type PostgresBinaries } from '../src/services/postgres/postgres-binaries.ts'
import { postgres } from '../src/services/postgres/postgres-service.ts'
import { createSuperuserPassword, lockSuperuser, socketUrl } from '../src/services/postgres/superuser-password.ts'
import { resolveProvider } from '../src/services/resolve-provider.ts'
import { startServices } from '../src/services/service-set.ts'
import { firstQuery } from './first-query.ts'
import { percentile, printTimingsTable, runRounds } from './timings-table.ts'

type Timings = Record<string, number>

const TARGETS = { 'testbed cold': 1500, 'testbed warm': 250 }
const RATIOS = [
  ['testbed cold', 'baseline cold'],
  ['testbed warm', 'baseline cold'],
  ['testbed warm', 'baseline warm'],
  ['testbed cold', 'before cold'],
  ['testbed warm', 'before warm'],
] as const
// A copy of the settings of postgres-server.ts, so the parts add up to a testbed start.
const TESTBED_SETTINGS = [
  'fsync=off',
  'synchronous_commit=off',
  'full_page_writes=off',
  'dynamic_shared_memory_type=mmap',
  'listen_addresses=127.0.0.1',
  'unix_socket_permissions=0700',
]
// The flags a user types by hand.
const PLAIN_INITDB_ARGS = ['-U', 'postgres', '-A', 'trust']
// statfs magic numbers: copying the cached cluster costs far more on some filesystems than others.
const FILESYSTEMS = new Map([
  [0x01021994, 'tmpfs'],
  [0xef53, 'ext4'],
  [0x58465342, 'xfs'],
  [0x9123683e, 'btrfs'],
])

type StartServices = typeof startServices
type Postgres = typeof postgres

const exec = promisify(execFile)
const { samples, before } = parseOptions()
const binaries = await requireBinaries()
const runAs = unprivilegedUser()
const root = mkdtempSync(join(process.env.TESTBED_BENCH_DIR ?? dirname(stateDir()), 'testbed-bench-'))
const warmCache = join(root, 'warm-cache')
const beforeWarmCache = join(root, 'before-warm-cache')
// PostgreSQL runs as another account when we are root; it must reach the data dirs below.
chmodSync(root, 0o711)
process.env.TESTBED_STATE_DIR = join(root, 'state')
process.env.TESTBED_QUIET = '1'
let counter = 0
const current = { startServices, postgres }
const previous = before === undefined ? null : await importRevision(before)

const variants: Array<() => Promise<Timings>> = [
  () => testbedStart(current, 'testbed cold', join(root, `cold-cache-${++counter}`)),
  () => testbedStart(current, 'testbed warm', warmCache),
  ...(previous
    ? [
        () => testbedStart(previous, 'before cold', join(root, `cold-cache-${++counter}`)),
        () => testbedStart(previous, 'before warm', beforeWarmCache),
      ]
    : []),
  baselineCold,
  baselineWarm,
  measureParts,
]

try {
  await prime()
  report(await runRounds(variants, samples))
} finally {
  checkNoServerLeft()
  rmSync(root, { recursive: true, force: true })
}

function parseOptions(): { samples: number; before: string | undefined } {
  const { values } = parseArgs({ options: { samples: { type: 'string', default: '7' }, before: { type: 'string' } } })
  const count = Number(values.samples)
  if (!Number.isInteger(count) || count < 1) {
    throw new Error(`--samples must be a positive integer, got ${values.samples}`)
  }
  return { samples: count, before: values.before }
}

// testbed's sources at `revision`, extracted next to a link to this checkout's node_modules, imported beside ours.
async function importRevision(revision: string): Promise<{ startServices: StartServices; postgres: Postgres }> {
  const repo = fileURLToPath(new URL('..', import.meta.url))
  const dir = join(root, 'before')
  mkdirSync(dir)
  const archive = execFileSync('git', ['-C', repo, 'archive', revision, 'src', 'package.json'])
  execFileSync('tar', ['-x', '-C', dir], { input: archive })
  symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'))
  const { startServices } = (await import(join(dir, 'src/services/service-set.ts'))) as { startServices: StartServices }
  const { postgres } = (await import(join(dir, 'src/services/postgres/postgres-service.ts'))) as { postgres: Postgres }
  return { startServices, postgres }
}

async function requireBinaries(): Promise<PostgresBinaries> {
  const found = await findEmbeddedBinaries()
  if (!found) throw new Error('No embedded PostgreSQL binaries: run `npm install` on linux-x64, linux-arm64 or macOS')
  return found
}

async function prime(): Promise<void> {
  await testbedStart(current, 'prime', warmCache)
  if (previous) await testbedStart(previous, 'prime', beforeWarmCache)
  await asServerUser(binaries.initdb, ['-D', join(ownedDir('template'), 'data'), ...PLAIN_INITDB_ARGS])
}

// Timed until the first query of our own, like a test's first query; stopping is not part of it.
async function testbedStart(
  code: { startServices: StartServices; postgres: Postgres },
  name: string,
  cacheDir: string,
): Promise<Timings> {
  process.env.TESTBED_CACHE_DIR = cacheDir
  const started = performance.now()
  const set = await code.startServices({ db: code.postgres({ provider: 'embedded' }) }, { projectDir: root })
  try {
    const resolved = performance.now() - started
    await firstQuery({ connectionString: set.env().TESTBED_DB_URL })
    return { [name]: performance.now() - started, [`${name}: startServices resolved`]: resolved }
  } finally {
    await set.stop()
    if (cacheDir !== warmCache && cacheDir !== beforeWarmCache) rmSync(cacheDir, { recursive: true, force: true })
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

// testbed's steps one at a time: provider detection, initdb, packing and unpacking the cache (with its checksum,
// and as a plain tar for comparison), postmaster start, setting the password, a connection.
async function measureParts(): Promise<Timings> {
  const dir = ownedDir(`parts-${++counter}`)
  try {
    const detect = await timed(() => resolveProvider('db', postgres({ provider: 'embedded' })))
    const initdb = await timed(() =>
      exec(binaries.initdb, ['-D', join(dir, 'initdb'), ...initdbArgs(binaries)], {
        ...spawnIdentity(runAs),
        env: initdbEnv(),
      }),
    )
    process.env.TESTBED_CACHE_DIR = warmCache
    const [tar, plainDir] = [plainTar(), ownedDataDir(join(dir, 'plain'))]
    const plain = await timed(() => exec('tar', ['-xpf', tar, '-C', plainDir]))
    // Without its stamp, the file is hashed as on its first use; the second unpack is every later use.
    rmSync(`${cachedCluster(binaries)}.verified`, { force: true })
    const firstDir = ownedDataDir(join(dir, 'first'))
    const first = await timed(() => unpackArchive(cachedCluster(binaries), firstDir))
    const data = ownedDataDir(join(dir, 'data'))
    const unpack = await timed(() => unpackArchive(cachedCluster(binaries), data))
    const pack = await timed(() => packArchive(join(dir, 'initdb'), join(dir, 'packed.tar')))
    const plainPack = await timed(() =>
      exec('tar', ['-cf', join(dir, 'plain-packed.tar'), '-C', join(dir, 'initdb'), '.']),
    )
    return {
      'part: detect providers': detect,
      'part: initdb (testbed flags)': initdb,
      'part: pack the new cluster (checksummed)': pack,
      'part: pack the same as a plain tar -cf': plainPack,
      'part: unpack the cached cluster, first use (hashed)': first,
      'part: unpack the cached cluster, later uses': unpack,
      'part: unpack the same as a plain tar -xpf': plain,
      'part: spawn the run watchdog (not awaited)': await spawnWatchdog(),
      ...(await postmasterParts(dir)),
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

// The cached cluster without testbed's checksum line: what the cache held before it had one.
function plainTar(): string {
  const path = join(root, 'plain.tar')
  execFileSync('sh', ['-c', 'tail -n +2 "$0" > "$1"', cachedCluster(binaries), path])
  return path
}

function ownedDataDir(path: string): string {
  mkdirSync(path, { mode: 0o700 })
  if (runAs) chownSync(path, runAs.uid, runAs.gid)
  return path
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
  const password = createSuperuserPassword()
  try {
    // Retried without a pause: the time to the first accepted query (over the socket), with no polling interval in it.
    while (
      !(await firstQuery({ connectionString: socketUrl(dir, port) }).then(
        () => true,
        () => false,
      ))
    ) {}
    const ready = performance.now() - started
    const lock = await timed(() => lockSuperuser(socketUrl(dir, port), password.verifier))
    const connect = await timed(() => firstQuery({ ...localConfig(port), password: password.password }))
    return {
      'part: postmaster start to first query': ready,
      'part: set the password (ALTER ROLE on the socket)': lock,
      'part: connect + SELECT 1 (SCRAM)': connect,
    }
  } finally {
    server.kill('SIGINT')
    await exited
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
  printTimingsTable(results, 52)
  console.log('')
  for (const [name, base] of RATIOS) {
    if (results.has(name) && results.has(base))
      console.log(`${name} / ${base}: ${(median(name) / median(base)).toFixed(2)}×`)
  }
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
