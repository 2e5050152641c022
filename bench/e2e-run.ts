// A whole run, end to end: `testbed test --integration` on the example shop's tests against the same tests
// under plain Vitest with services started by hand (bench/e2e-plain: initdb + pg_ctl and redis-server in a
// global setup, a database per worker, TRUNCATE after each test), each a fresh process, wall time from
// spawn to exit, in the same rounds. Also times testbed with other pools and isolation, to choose defaults.
// Machines are noisy: medians, p90s and per-round ratios against plain Vitest; it never fails on time.
// Usage: npm run bench:e2e [-- --samples N] [-- --copies N] (each test file N times: a bigger suite).
import { spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { findEmbeddedBinaries } from '../src/services/postgres/postgres-binaries.ts'
import { medianRatio, printTimingsTable, runRounds } from './timings-table.ts'

// The shop's test files whose fixtures (api, db, load) the hand-written harness provides too. The others
// use testbed's factories, labelled fixtures, HTTP mocks or Firestore, which plain Vitest has no equivalent of.
const TEST_FILES = ['user-api.test.ts', 'signup-flow.test.ts', 'bulk-import.test.ts']
const TESTBED_CONFIG = `import { defineConfig, postgres, redis } from 'testbed'

// The example shop's services without Firestore, which the hand-written side has no equivalent of.
export default defineConfig({
  services: {
    db: postgres({ migrations: 'migrations', seeds: ['tests/integration/fixtures/seed_data.sql'] }),
    cache: redis(),
  },
})
`
const TESTBED_VITEST_CONFIG = `import { testbed } from 'testbed/vitest/config'
import { defineConfig } from 'vitest/config'

export default defineConfig({ plugins: [testbed()] })
`
// Vitest's CLI flags win over the plugin's project settings, so each variant runs what its name says.
const VARIANTS: Record<string, { side: 'plain' | 'testbed'; args: string[] }> = {
  'plain Vitest (its defaults)': { side: 'plain', args: [] },
  'plain Vitest --pool=threads --no-isolate': { side: 'plain', args: ['--pool=threads', '--no-isolate'] },
  'testbed (its defaults)': { side: 'testbed', args: [] },
  'testbed --pool=forks --isolate': { side: 'testbed', args: ['--pool=forks', '--isolate'] },
  'testbed --pool=threads --isolate': { side: 'testbed', args: ['--pool=threads', '--isolate'] },
  'testbed --pool=forks --no-isolate': { side: 'testbed', args: ['--pool=forks', '--no-isolate'] },
  'testbed --pool=threads --no-isolate': { side: 'testbed', args: ['--pool=threads', '--no-isolate'] },
  'testbed --no-isolate --maxWorkers=2': { side: 'testbed', args: ['--no-isolate', '--maxWorkers=2'] },
}
const BASELINE = 'plain Vitest (its defaults)'

const repo = fileURLToPath(new URL('..', import.meta.url))
const shop = join(repo, 'examples', 'shop')
const { values } = parseArgs({
  options: { samples: { type: 'string', default: '7' }, copies: { type: 'string', default: '1' } },
})
const [samples, copies] = [Number(values.samples), Number(values.copies)]
const binaries = await findEmbeddedBinaries()
if (!binaries) throw new Error('No embedded PostgreSQL binaries: run `npm install` on linux-x64, linux-arm64 or macOS')
// Inside the repository, so the projects resolve vitest, pg, express and `testbed` (dist/) from it.
const root = mkdtempSync(join(repo, 'bench', '.e2e-run-'))

try {
  buildTestbed()
  makeProject('testbed')
  makeProject('plain')
  for (const side of ['testbed', 'plain'] as const) runOnce(side, []) // warm caches, compile, check the tests pass
  report(await runRounds(variantRuns(), samples))
} finally {
  rmSync(root, { recursive: true, force: true })
}

function buildTestbed(): void {
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: repo, stdio: 'inherit' })
  if (build.status !== 0) throw new Error('npm run build failed')
}

// The shop's app, migrations and chosen tests; testbed's side keeps its harness, the plain side gets a hand-written one.
function makeProject(side: 'plain' | 'testbed'): void {
  const dir = join(root, side)
  cpSync(join(shop, 'src'), join(dir, 'src'), { recursive: true })
  cpSync(join(shop, 'migrations'), join(dir, 'migrations'), { recursive: true })
  const tests = join(dir, 'tests', 'integration')
  cpSync(join(shop, 'tests', 'integration', 'fixtures'), join(tests, 'fixtures'), { recursive: true })
  if (side === 'testbed') {
    mkdirSync(join(dir, 'node_modules'))
    symlinkSync(repo, join(dir, 'node_modules', 'testbed'), 'dir')
    writeFileSync(join(dir, 'testbed.config.ts'), TESTBED_CONFIG)
    writeFileSync(join(dir, 'vitest.config.ts'), TESTBED_VITEST_CONFIG)
    cpSync(join(shop, 'tests', 'integration', 'shop-test.ts'), join(tests, 'shop-test.ts'))
  } else {
    cpSync(join(repo, 'bench', 'e2e-plain'), dir, { recursive: true })
    cpSync(join(shop, 'tests', 'integration', 'fixtures', 'seed_data.sql'), join(tests, 'seed.sql'))
  }
  for (const file of TEST_FILES) copyTestFile(file, tests, side)
}

function copyTestFile(file: string, tests: string, side: 'plain' | 'testbed'): void {
  const source = readFileSync(join(shop, 'tests', 'integration', file), 'utf8')
  const text = side === 'plain' ? source.replaceAll("from 'testbed/vitest'", "from 'vitest'") : source
  for (let copy = 1; copy <= copies; copy++) {
    writeFileSync(join(tests, copies === 1 ? file : file.replace('.test.ts', `-${copy}.test.ts`)), text)
  }
}

// Each variant, a whole run in a fresh process, timed from spawn to exit.
function variantRuns(): Array<() => Promise<Record<string, number>>> {
  return Object.entries(VARIANTS).map(([name, { side, args }]) => async () => ({ [name]: runOnce(side, args) }))
}

// Wall time of one whole run, from spawning the process to its exit; a failed run stops the bench.
function runOnce(side: 'plain' | 'testbed', args: string[]): number {
  const command =
    side === 'testbed'
      ? [join(repo, 'bin', 'testbed.js'), 'test', '--integration', ...args]
      : [join(repo, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...args]
  const env = { ...process.env, PG_BIN_DIR: binaries?.binDir, TESTBED_QUIET: '1', NO_COLOR: '1', FORCE_COLOR: '0' }
  const started = performance.now()
  const run = spawnSync(process.execPath, command, { cwd: join(root, side), env, encoding: 'utf8' })
  const elapsed = performance.now() - started
  if (run.status !== 0) throw new Error(`${side} ${args.join(' ')} failed:\n${run.stdout}\n${run.stderr}`)
  const passed = /Tests\s+(\d+) passed/.exec(run.stdout)?.[1]
  if (passed === undefined) throw new Error(`${side} ran no test:\n${run.stdout}`)
  return elapsed
}

function report(results: Map<string, number[]>): void {
  const files = readdirSync(join(root, 'plain', 'tests', 'integration')).filter((name) => name.endsWith('.test.ts'))
  console.log(`\n${files.length} test files (${TEST_FILES.join(', ')} × ${copies}), ${samples} samples,`)
  console.log(`${availableParallelism()} cores, Node ${process.version}, PostgreSQL ${binaries?.version} (embedded)\n`)
  printTimingsTable(results, 48)
  console.log(`\nmedian of per-round ratios against ${BASELINE} (same round)`)
  const reference = results.get(BASELINE) ?? []
  for (const [name, times] of results) {
    console.log(`${name}: ${medianRatio(times, reference).toFixed(2)}×`)
  }
}
