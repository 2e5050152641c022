// How evenly shards share a suite: max/mean of the shards' summed file durations (1.00 = perfect),
// testbed's split by recorded durations (planShards: longest first onto the least-loaded shard)
// against Vitest's own --shard (a hash of each file's path cut into equal counts: Vitest's
// BaseSequencer itself) on the same files. Suites: testbed's own, from durations recorded in real
// runs (planned from one run, scored with another: durations drift between runs), and skewed
// synthetic suites (log-normal file times, a few files far longer; one with 10% new, unrecorded files).
// The goal, max/mean ≤ 1.10, holds only where no single file is longer than the mean shard (`largest`
// below 1.00): a file cannot be split. Never fails on numbers.
// Usage: npx node bench/shard-balance.ts [--runs FILE,FILE,…] [--shards 2,3,4,6,8]
//   --runs: durations of testbed's own suite from successive runs (bench/suite-durations-reporter.ts
//   records them), default every bench/data/suite-run-*.json in name order.
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { BaseSequencer, type TestSpecification, type Vitest } from 'vitest/node'
import { planShards } from '../src/vitest/node/shard-plan.ts'

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string' },
    shards: { type: 'string', default: '2,3,4,6,8' },
  },
})
const ROOT = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '')
const SHARD_COUNTS = args.shards.split(',').map(Number)

/** File → ms: what the plan knows (files missing are unrecorded) and what the run then takes. */
interface Suite {
  name: string
  planned: Record<string, number>
  actual: Record<string, number>
}

function recorded(path: string): Record<string, number> {
  return (JSON.parse(readFileSync(path, 'utf8')) as { files: Record<string, number> }).files
}

// A seeded generator (mulberry32), so that every run measures the same synthetic suites.
function random(seed: number): () => number {
  let state = seed
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function synthetic(files: number, seed: number): Record<string, number> {
  const next = random(seed)
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next())
  const durations: Record<string, number> = {}
  for (let index = 0; index < files; index++) {
    // Median 400 ms, a long tail; one file in 25 is a slow end-to-end flow, 10–40 s.
    const heavy = next() < 0.04
    const ms = heavy ? 10_000 + next() * 30_000 : 400 * Math.exp(1.2 * normal())
    durations[`tests/integration/f${String(index).padStart(3, '0')}.test.ts`] = Math.round(ms * 10) / 10
  }
  return durations
}

// The same durations measured again, each off by up to ±25%: what a second run of the suite gives.
function drifted(durations: Record<string, number>, seed: number): Record<string, number> {
  const next = random(seed)
  return Object.fromEntries(Object.entries(durations).map(([file, ms]) => [file, ms * (0.75 + next() * 0.5)]))
}

function withoutSome(durations: Record<string, number>, everyNth: number): Record<string, number> {
  return Object.fromEntries(Object.entries(durations).filter((_, index) => index % everyNth !== 0))
}

function testbedShards(suite: Suite, count: number): string[][] {
  const items = Object.keys(suite.actual).map((file) => ({ key: file, durationMs: suite.planned[file] }))
  return planShards(items, count).shards
}

async function vitestShards(suite: Suite, count: number): Promise<string[][]> {
  const specs = Object.keys(suite.actual).map((file) => ({ moduleId: `${ROOT}/${file}`, file }))
  const shards: string[][] = []
  for (let index = 1; index <= count; index++) {
    const ctx = { config: { root: ROOT, shard: { index, count } } } as unknown as Vitest
    const picked = await new BaseSequencer(ctx).shard(specs as unknown as TestSpecification[])
    shards.push((picked as unknown as Array<{ file: string }>).map((spec) => spec.file))
  }
  return shards
}

function maxOverMean(shards: string[][], actual: Record<string, number>): number {
  const loads = shards.map((files) => files.reduce((sum, file) => sum + (actual[file] ?? 0), 0))
  const mean = loads.reduce((sum, load) => sum + load, 0) / loads.length
  return Math.max(...loads) / mean
}

async function measure(suite: Suite): Promise<void> {
  const files = Object.keys(suite.actual).length
  const total = Object.values(suite.actual).reduce((sum, ms) => sum + ms, 0)
  const largest = Math.max(...Object.values(suite.actual))
  for (const count of SHARD_COUNTS) {
    const ours = maxOverMean(testbedShards(suite, count), suite.actual)
    const vitest = maxOverMean(await vitestShards(suite, count), suite.actual)
    const cells = [
      suite.name.padEnd(44),
      String(files).padStart(6),
      String(count).padStart(7),
      (largest / (total / count)).toFixed(2).padStart(9),
      ours.toFixed(2).padStart(9),
      vitest.toFixed(2).padStart(8),
      (ours / vitest).toFixed(2).padStart(10),
    ]
    console.log(cells.join(''))
  }
}

// Each file's mean over the runs that recorded it: what a smoothed durations file would hold.
function mean(runs: ReadonlyArray<Record<string, number>>): Record<string, number> {
  const files = new Set(runs.flatMap((run) => Object.keys(run)))
  return Object.fromEntries(
    [...files].map((file) => {
      const values = runs.flatMap((run) => (run[file] === undefined ? [] : [run[file] as number]))
      return [file, values.reduce((sum, ms) => sum + ms, 0) / values.length]
    }),
  )
}

function ownSuite(runs: ReadonlyArray<Record<string, number>>): Suite[] {
  const [first] = runs
  const suites: Suite[] = first ? [{ name: 'testbed’s suite: run 1', planned: first, actual: first }] : []
  runs.forEach((run, index) => {
    if (index === 0) return
    const previous = runs[index - 1] as Record<string, number>
    suites.push({ name: `testbed’s suite: planned by run ${index}, run ${index + 1}`, planned: previous, actual: run })
    if (index > 1)
      suites.push({
        name: `… planned by mean of runs 1–${index}, run ${index + 1}`,
        planned: mean(runs.slice(0, index)),
        actual: run,
      })
  })
  return suites
}

const DATA = 'bench/data'
const runFiles =
  args.runs?.split(',') ??
  readdirSync(DATA)
    .filter((name) => /^suite-run-\d+\.json$/.test(name))
    .sort((a, b) => Number(a.match(/\d+/)?.[0]) - Number(b.match(/\d+/)?.[0]))
    .map((name) => `${DATA}/${name}`)
const skewed = synthetic(400, 16)
const suites: Suite[] = [
  ...ownSuite(runFiles.map(recorded)),
  { name: 'synthetic skewed', planned: skewed, actual: skewed },
  { name: 'synthetic skewed, each file ±25% off', planned: skewed, actual: drifted(skewed, 7) },
  { name: 'synthetic skewed, 10% of files unrecorded', planned: withoutSome(skewed, 10), actual: skewed },
]
console.log(
  `${'suite'.padEnd(44)}${'files'.padStart(6)}${'shards'.padStart(7)}${'largest'.padStart(9)}${'testbed'.padStart(9)}${'vitest'.padStart(8)}${'tb/vitest'.padStart(10)}`,
)
for (const suite of suites) await measure(suite)
console.log('\nlargest: longest file / mean shard; testbed, vitest: max/mean of the shards; tb/vitest: their ratio.')
