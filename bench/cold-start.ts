// Where a cold PostgreSQL start (empty cache) spends its time, and what each initdb option or reordering
// buys: every variant runs initdb, starts the postmaster and answers a first query, in the same rounds as
// the plain `initdb -U postgres -A trust` + `pg_ctl start -w` a user types by hand (the baseline).
// Machines are noisy: medians, p90s and ratios against the same-run baseline; it never fails on time.
// Usage: npm run bench:cold [-- --samples N]. TESTBED_BENCH_DIR=/tmp puts the data dirs on disk.
import { execFile, spawn } from 'node:child_process'
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { parseArgs, promisify } from 'node:util'
import { stateDir } from '../src/core/paths.ts'
import { ephemeralPort } from '../src/providers/free-port.ts'
import { spawnIdentity, unprivilegedUser } from '../src/providers/run-as-user.ts'
import { packArchive } from '../src/services/postgres/cache-archive.ts'
import { initdbArgs, initdbEnv } from '../src/services/postgres/initdb-cache.ts'
import { findEmbeddedBinaries } from '../src/services/postgres/postgres-binaries.ts'
import { firstQuery } from './first-query.ts'
import { medianRatio, percentile, printTimingsTable, runRounds } from './timings-table.ts'

type Timings = Record<string, number>

const exec = promisify(execFile)
const PLAIN = ['-U', 'postgres', '-A', 'trust']
// testbed's flags as they were before this bench (issue 18): the reference for every initdb option below.
const BEFORE = '-U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C --no-sync --wal-segsize=1'
const OPTION_VARIANTS: Record<string, { args: string[]; env?: NodeJS.ProcessEnv }> = {
  'initdb, testbed flags before issue 18': { args: BEFORE.split(' ') },
  '+ TZ set (no time zone search)': { args: BEFORE.split(' '), env: { TZ: 'UTC' } },
  '+ --no-data-checksums': { args: [...BEFORE.split(' '), '--no-data-checksums'] },
  '+ --no-instructions': { args: [...BEFORE.split(' '), '--no-instructions'] },
  '+ --locale-provider=builtin': { args: [...BEFORE.split(' '), '--locale-provider=builtin', '--builtin-locale=C'] },
  '+ -c shared_buffers=16MB -c io_method=sync': {
    args: [...BEFORE.split(' '), '-c', 'shared_buffers=16MB', '-c', 'io_method=sync'],
  },
  'initdb, testbed flags now (initdb-cache.ts)': { args: [] },
}
const SERVER_SETTINGS = ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off', 'listen_addresses=']

const { values } = parseArgs({ options: { samples: { type: 'string', default: '7' } } })
const samples = Number(values.samples)
const found = await findEmbeddedBinaries()
if (!found) throw new Error('No embedded PostgreSQL binaries: run `npm install` on linux-x64, linux-arm64 or macOS')
const binaries = found
const runAs = unprivilegedUser()
const base = process.env.TESTBED_BENCH_DIR ?? dirname(stateDir())
const root = mkdtempSync(join(base, 'testbed-cold-bench-'))
const diskRoot = mkdtempSync(join(tmpdir(), 'testbed-cold-bench-'))
for (const dir of [root, diskRoot]) chmodSync(dir, 0o711)
let counter = 0

const variants: Array<() => Promise<Timings>> = [
  baseline,
  ...Object.entries(OPTION_VARIANTS).map(
    ([name, variant]) =>
      () =>
        initdbThenStart(name, variant.args, variant.env),
  ),
  () => initdbThenStart('initdb, testbed flags now, data dir on disk', [], undefined, diskRoot),
  () => reordered('testbed order: initdb, pack, start', 'pack'),
  () => reordered('initdb, copy (cp -a), start; pack later', 'copy'),
  binaryLoad,
]

try {
  const results = await sortedRounds()
  report(results)
} finally {
  rmSync(root, { recursive: true, force: true })
  rmSync(diskRoot, { recursive: true, force: true })
}

async function sortedRounds(): Promise<Map<string, number[]>> {
  const results = await runRounds(variants, samples)
  return new Map([...results].sort(([a], [b]) => order(a) - order(b)))
}

function order(name: string): number {
  const names = ['baseline', ...Object.keys(OPTION_VARIANTS), 'initdb, testbed flags now, data dir on disk']
  const index = names.findIndex((prefix) => name.startsWith(prefix))
  return index === -1 ? names.length : index
}

// What a user types by hand: initdb, pg_ctl start -w, connect.
async function baseline(): Promise<Timings> {
  const dir = ownedDir(root)
  const data = join(dir, 'data')
  const pgCtl = join(binaries.binDir, 'pg_ctl')
  const started = performance.now()
  const cpu = await cpuOf(binaries.initdb, ['-D', data, ...PLAIN])
  const initdb = performance.now() - started
  const options = `-p ${await ephemeralPort()} -k ${dir} -c listen_addresses=`
  try {
    await asServerUser(pgCtl, ['start', '-w', '-D', data, '-l', join(dir, 'log'), '-o', options])
    await firstQuery(socketConfig(dir, options.split(' ')[1] as string))
    return {
      'baseline: initdb + pg_ctl start -w': performance.now() - started,
      'baseline: its initdb': initdb,
      'baseline: its initdb, CPU time': cpu,
    }
  } finally {
    await asServerUser(pgCtl, ['stop', '-m', 'fast', '-D', data]).catch(() => {})
    rmSync(dir, { recursive: true, force: true })
  }
}

// initdb with `args` (testbed's own when empty), then the postmaster, polled without pause until a first query.
async function initdbThenStart(name: string, args: string[], env?: NodeJS.ProcessEnv, under = root): Promise<Timings> {
  const dir = ownedDir(under)
  const started = performance.now()
  const cpu = await initdb(join(dir, 'data'), args, env)
  const initdbMs = performance.now() - started
  await serverSession(dir, join(dir, 'data'))
  rmSync(dir, { recursive: true, force: true })
  return {
    [`${name}: initdb`]: initdbMs,
    [`${name}: initdb, CPU time`]: cpu,
    [`${name}: to first query`]: performance.now() - started,
  }
}

// The cache write on the critical path (today), against a copy that lets the server start before packing.
async function reordered(name: string, how: 'pack' | 'copy'): Promise<Timings> {
  const dir = ownedDir(root)
  const data = join(dir, 'data')
  await initdb(data, [])
  const started = performance.now()
  if (how === 'pack') await packArchive(data, join(dir, 'cache.tar'))
  else await exec('cp', ['-a', data, join(dir, 'pristine')])
  const beforeStart = performance.now() - started
  await serverSession(dir, data)
  const total = performance.now() - started
  if (how === 'copy') await packArchive(join(dir, 'pristine'), join(dir, 'cache.tar'))
  rmSync(dir, { recursive: true, force: true })
  return { [`${name}: after initdb, to first query`]: total, [`${name}: ${how} alone`]: beforeStart }
}

// The binaries' own load time: dynamic linking of ICU, OpenSSL, libxml2 before main().
async function binaryLoad(): Promise<Timings> {
  const timings: Timings = {}
  for (const binary of ['postgres', 'initdb']) {
    const started = performance.now()
    await exec(join(binaries.binDir, binary), ['-V'])
    timings[`load: ${binary} -V`] = performance.now() - started
  }
  return timings
}

// Returns initdb's CPU time (its own and its backends'), which the load of a shared machine moves far less than wall time.
async function initdb(data: string, args: string[], env?: NodeJS.ProcessEnv): Promise<number> {
  const flags = args.length > 0 ? args : initdbArgs(binaries)
  return cpuOf(binaries.initdb, ['-D', data, ...flags], { ...process.env, ...(args.length > 0 ? env : initdbEnv()) })
}

// The shell's `times` prints the CPU its waited-for children used, grandchildren included: `0m0.580s 0m0.190s`.
async function cpuOf(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const script = '"$@" > /dev/null; times'
  const { stdout } = await exec('bash', ['-c', script, 'bash', command, ...args], { ...spawnIdentity(runAs), env })
  const children = stdout.trim().split('\n').at(-1) ?? ''
  const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map(([, min, sec]) => Number(min) * 60 + Number(sec))
  return seconds.reduce((sum, value) => sum + value, 0) * 1000
}

async function serverSession(dir: string, data: string): Promise<void> {
  const port = String(await ephemeralPort())
  const settings = SERVER_SETTINGS.flatMap((setting) => ['-c', setting])
  const server = spawn(binaries.postgres, ['-D', data, '-p', port, '-k', dir, ...settings], {
    stdio: 'ignore',
    ...spawnIdentity(runAs),
  })
  const exited = new Promise((resolve) => server.once('exit', resolve))
  try {
    while (
      !(await firstQuery(socketConfig(dir, port)).then(
        () => true,
        () => false,
      ))
    ) {}
  } finally {
    server.kill('SIGINT')
    await exited
  }
}

function socketConfig(socketDir: string, port: string) {
  return { host: socketDir, port: Number(port), user: 'postgres', database: 'postgres' }
}

function asServerUser(command: string, args: string[]): Promise<unknown> {
  return exec(command, args, spawnIdentity(runAs))
}

function ownedDir(under: string): string {
  const dir = join(under, `v${++counter}`)
  mkdirSync(dir)
  if (runAs) chownSync(dir, runAs.uid, runAs.gid)
  return dir
}

function report(results: Map<string, number[]>): void {
  const median = (name: string) => percentile(results.get(name) ?? [], 0.5)
  console.log(`\nPostgreSQL ${binaries.version} (embedded), ${samples} samples, ${availableParallelism()} cores,`)
  console.log(`Node ${process.version}, data dirs in ${base} (and ${tmpdir()} for "on disk")\n`)
  printTimingsTable(results, 72)
  // Paired by round: the load of this machine moves by 2× within a minute, and a round takes seconds.
  console.log("\nmedian of per-round ratios against the same round's baseline (its initdb's CPU time for CPU times)")
  const reference = results.get('baseline: initdb + pg_ctl start -w') ?? []
  const cpuReference = results.get('baseline: its initdb, CPU time') ?? []
  for (const [name, times] of results) {
    const against = name.endsWith('CPU time') ? cpuReference : reference
    if (!name.endsWith('to first query') && !name.endsWith('CPU time')) continue
    console.log(`${name}: ${medianRatio(times, against).toFixed(2)}× (median ${Math.round(median(name))} ms)`)
  }
}
