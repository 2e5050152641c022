// Cost of the leak check per test: the same test (3 INSERTs and a SELECT through `db`) under isolation
// `transaction` and `reset`, with the check on and off, interleaved in one run on one server (the order
// rotates every round). The template has `--tables` tables of `--rows` seed rows each, since a check
// may cost more as the schema or the data grows. Prints medians and the ratio on / off; never fails on time.
// Usage: npx node bench/leak-check.ts [--rounds N] [--warmup N] [--tables N] [--rows N]
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { createIsolation, type Isolation } from '../src/isolation/create-isolation.ts'
import { benchPostgres } from './bench-postgres.ts'
import { micro, summarize } from './sample-stats.ts'

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '1000' },
    warmup: { type: 'string', default: '100' },
    tables: { type: 'string', default: '10' },
    rows: { type: 'string', default: '100' },
  },
})
const rounds = Number(args.rounds)
const warmup = Number(args.warmup)
const tables = Number(args.tables)
const rows = Number(args.rows)

const server = await benchPostgres('leak-check')
const { adminUrl, root } = server

try {
  const template = { migrations: writeMigrations(), baseDir: root }
  const variants: Record<string, Isolation> = {}
  for (const strategy of ['transaction', 'reset'] as const) {
    for (const leakCheck of [false, true]) {
      variants[`${strategy}, check ${leakCheck ? 'on' : 'off'}`] = await createIsolation(adminUrl, {
        strategy,
        template,
        leakCheck,
      })
    }
  }
  await runRounds(variants, warmup)
  report(await runRounds(variants, rounds))
  await Promise.all(Object.values(variants).map((isolation) => isolation.close()))
} finally {
  await server.stop()
}

/** `tables` tables like an app's: a key, a unique column, a timestamp; `rows` seed rows in each. */
function writeMigrations(): string {
  const dir = join(root, 'migrations')
  mkdirSync(dir)
  const statements = Array.from({ length: tables }, (_, table) => [
    `CREATE TABLE table_${table} (id serial PRIMARY KEY, name text UNIQUE NOT NULL, created timestamptz DEFAULT now());`,
    `INSERT INTO table_${table} (name) SELECT 'seed ' || n FROM generate_series(1, ${rows}) n;`,
  ])
  writeFileSync(join(dir, '001_schema.sql'), statements.flat().join('\n'))
  return 'migrations'
}

async function oneTest(isolation: Isolation, round: number): Promise<void> {
  const db = await isolation.begin()
  for (let i = 0; i < 3; i++) await db.query('INSERT INTO table_0 (name) VALUES ($1)', [`test ${round}-${i}`])
  await db.query('SELECT id, name FROM table_0 WHERE name LIKE $1', [`test ${round}-%`])
  await isolation.rollback(db, { testName: `test ${round}` })
}

// The order rotates every round, so each variant runs after each other one (a reset leaves work
// behind for the next test) and a slow patch of the machine hits every variant alike.
async function runRounds(variants: Record<string, Isolation>, count: number): Promise<Map<string, number[]>> {
  const entries = Object.entries(variants)
  const timings = new Map<string, number[]>(entries.map(([name]) => [name, []]))
  for (let round = 0; round < count; round++) {
    const start = round % entries.length
    const order = [...entries.slice(start), ...entries.slice(0, start)]
    for (const [name, isolation] of order) {
      const started = performance.now()
      await oneTest(isolation, round)
      timings.get(name)?.push(performance.now() - started)
    }
  }
  return timings
}

function report(timings: Map<string, number[]>): void {
  console.log(`${rounds} rounds after ${warmup} warm-up; template of ${tables} tables × ${rows} rows; µs per test\n`)
  console.log(`${'variant'.padEnd(26)}${'median'.padStart(9)}${'mean'.padStart(9)}${'p95'.padStart(9)}`)
  for (const [name, samples] of timings) {
    const { median, mean, p95 } = summarize(samples)
    console.log(`${name.padEnd(26)}${micro(median)}${micro(mean)}${micro(p95)}`)
  }
  console.log('')
  for (const strategy of ['transaction', 'reset']) {
    const on = timings.get(`${strategy}, check on`) ?? []
    const off = timings.get(`${strategy}, check off`) ?? []
    const ratio = summarize(on).median / summarize(off).median
    // Rounds are interleaved: the median of each round's difference cancels a slow patch of the machine.
    const extra = summarize(on.map((time, round) => time - (off[round] ?? 0))).median
    console.log(
      `${strategy}: on / off ${ratio.toFixed(2)}× (medians), ${extra >= 0 ? '+' : ''}${(extra * 1000).toFixed(0)} µs per test (median of paired rounds)`,
    )
  }
}
