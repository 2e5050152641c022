// The first run on a machine that never ran testbed: `startServices` to a first query with an empty
// cache (initdb on the run's path), against the same after `testbed install` (which starts PostgreSQL
// once and caches the cluster), each round on fresh cache dirs. The goal (issue 18): ≤ 500 ms to
// the first query. `install` is timed too: it is where the initdb now happens.
//
//   npm run build && npx node bench/first-run.ts [--samples 5]   (install runs the built CLI)
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { postgres } from '../src/services/postgres/postgres-service.ts'
import { startServices } from '../src/services/service-set.ts'
import { firstQuery } from './first-query.ts'
import { medianRatio, printTimingsTable, runRounds } from './timings-table.ts'

const { values } = parseArgs({ options: { samples: { type: 'string', default: '5' } } })
const REPO = new URL('..', import.meta.url).pathname
const CLI = join(REPO, 'dist/cli/bin.js')
const CONFIG =
  "import { defineConfig, postgres } from 'testbed'\nexport default defineConfig({ services: { db: postgres() } })\n"

async function firstQueryMs(): Promise<number> {
  const startedAt = performance.now()
  const set = await startServices({ db: postgres() }, { projectDir: tmpdir() })
  await firstQuery({ connectionString: set.services[0]?.url })
  const elapsed = performance.now() - startedAt
  await set.stop()
  return elapsed
}

async function withFreshCache<T>(work: () => Promise<T>): Promise<T> {
  const cache = mkdtempSync(join(tmpdir(), 'testbed-first-run-'))
  process.env.TESTBED_CACHE_DIR = cache
  try {
    return await work()
  } finally {
    rmSync(cache, { recursive: true, force: true })
  }
}

async function cold(): Promise<Record<string, number>> {
  return withFreshCache(async () => ({ 'first run, nothing prepared': await firstQueryMs() }))
}

async function afterInstall(): Promise<Record<string, number>> {
  return withFreshCache(async () => {
    // Inside the repository, so the config's `import … from 'testbed'` resolves to this package.
    const project = mkdtempSync(join(REPO, 'bench', '.first-run-'))
    writeFileSync(join(project, 'testbed.config.ts'), CONFIG)
    const startedAt = performance.now()
    execFileSync(process.execPath, [CLI, 'install'], { cwd: project, stdio: 'ignore', env: process.env })
    const install = performance.now() - startedAt
    rmSync(project, { recursive: true, force: true })
    return { '`testbed install` (starts PostgreSQL once)': install, 'first run after install': await firstQueryMs() }
  })
}

const results = await runRounds([cold, afterInstall], Number(values.samples))
printTimingsTable(results, 48)
const ratio = medianRatio(
  results.get('first run after install') ?? [],
  results.get('first run, nothing prepared') ?? [],
)
console.log(`\nfirst run after install / first run with nothing prepared: ${ratio.toFixed(2)}× (median of rounds)`)
