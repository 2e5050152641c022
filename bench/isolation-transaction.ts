// Per-test overhead of isolation 'transaction': begin() + one INSERT + one SELECT + rollback() through
// the strategy and its pool, against BEGIN; INSERT; SELECT; ROLLBACK on one plain pg.Client, same server,
// same run, interleaved (the order rotates every round). Prints medians, means and the ratio; never
// fails on time. Usage: npx node bench/isolation-transaction.ts [--rounds N] [--warmup N]
import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { transactionStrategy } from '../src/isolation/transaction/transaction-strategy.ts'
import { postgres } from '../src/services/postgres/postgres-service.ts'
import { startServices } from '../src/services/service-set.ts'
import { micro, summarize } from './sample-stats.ts'

const TARGET_RATIO = 1.2
const INSERT = 'INSERT INTO items (name) VALUES ($1)'
const SELECT = 'SELECT id, name FROM items WHERE name = $1'
const { values: args } = parseArgs({
  options: { rounds: { type: 'string', default: '2000' }, warmup: { type: 'string', default: '200' } },
})
const rounds = Number(args.rounds)
const warmup = Number(args.warmup)

const root = mkdtempSync(join(tmpdir(), 'testbed-bench-transaction-'))
// PostgreSQL runs as another account when we are root; it must reach the data dirs below.
chmodSync(root, 0o711)
process.env.TESTBED_STATE_DIR = join(root, 'state')
process.env.TESTBED_QUIET = '1'
const services = await startServices({ db: postgres({ provider: 'embedded' }) }, { projectDir: root })

try {
  const url = await benchDatabase(services.services[0]?.url ?? '')
  await using strategy = transactionStrategy(url)
  // Each bare variant has a connection of its own, as the strategy has: a server process that serves
  // every round's variants stays warmer in the CPU caches than one that serves a quarter of them, and
  // a shared one made the bare variants about 10% faster than the same statements on a fresh one.
  const bare = await connectedClient(url)
  const unlockAfter = await connectedClient(url)
  const unlockInside = await connectedClient(url)
  const variants = {
    'testbed transaction': async (name: string) => {
      const db = await strategy.begin()
      await db.query(INSERT, [name])
      await db.query(SELECT, [name])
      await strategy.rollback(db)
    },
    'bare pg.Client': async (name: string) => {
      await bare.query('BEGIN')
      await bare.query(INSERT, [name])
      await bare.query(SELECT, [name])
      await bare.query('ROLLBACK')
    },
    // What testbed sends after every test: session advisory locks survive ROLLBACK (decision 0038).
    'bare + unlock all': async (name: string) => {
      await unlockAfter.query('BEGIN')
      await unlockAfter.query(INSERT, [name])
      await unlockAfter.query(SELECT, [name])
      await unlockAfter.query('ROLLBACK; SELECT pg_advisory_unlock_all()')
    },
    // The unlock inside the transaction, in the ROLLBACK's message.
    'bare + unlock, rollback': async (name: string) => {
      await unlockInside.query('BEGIN')
      await unlockInside.query(INSERT, [name])
      await unlockInside.query(SELECT, [name])
      await unlockInside.query('SELECT pg_advisory_unlock_all(); ROLLBACK')
    },
  }
  await runRounds(variants, warmup)
  report(await runRounds(variants, rounds))
  await Promise.all([bare.end(), unlockAfter.end(), unlockInside.end()])
} finally {
  await services.stop()
  rmSync(root, { recursive: true, force: true })
}

async function connectedClient(url: string): Promise<pg.Client> {
  const client = new pg.Client(url)
  await client.connect()
  return client
}

async function benchDatabase(adminUrl: string): Promise<string> {
  const admin = new pg.Client(adminUrl)
  await admin.connect()
  await admin.query('CREATE DATABASE bench_transaction')
  await admin.end()
  const url = adminUrl.replace(/\/postgres$/, '/bench_transaction')
  const client = new pg.Client(url)
  await client.connect()
  await client.query('CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL)')
  await client.end()
  return url
}

type Variant = (name: string) => Promise<void>

// Rotating which variant goes first, so a slow patch of the machine hits all alike.
async function runRounds(variants: Record<string, Variant>, count: number): Promise<Map<string, number[]>> {
  const timings = new Map<string, number[]>(Object.keys(variants).map((name) => [name, []]))
  const entries = Object.entries(variants)
  for (let round = 0; round < count; round++) {
    const order = entries.map((_, i) => entries[(i + round) % entries.length] as (typeof entries)[number])
    for (const [name, run] of order) {
      const started = performance.now()
      await run(`item ${round}`)
      timings.get(name)?.push(performance.now() - started)
    }
  }
  return timings
}

function report(timings: Map<string, number[]>): void {
  const rows = [...timings].map(([name, samples]) => ({ name, ...summarize(samples) }))
  console.log(`${rounds} rounds after ${warmup} warm-up rounds, times in µs per test\n`)
  console.log(`${'variant'.padEnd(22)}${'median'.padStart(9)}${'mean'.padStart(9)}${'p95'.padStart(9)}`)
  for (const { name, median, mean, p95 } of rows) {
    console.log(`${name.padEnd(22)}${micro(median)}${micro(mean)}${micro(p95)}`)
  }
  const [ours, bare] = rows
  if (ours === undefined || bare === undefined) return
  const ratio = ours.median / bare.median
  console.log(
    `\nratio of medians: ${ratio.toFixed(2)}× (target ≤ ${TARGET_RATIO}×) ${ratio <= TARGET_RATIO ? '✓' : '✗'}`,
  )
  console.log(`ratio of means:   ${(ours.mean / bare.mean).toFixed(2)}×`)
  // Each round's own ratio: a burst of load from other processes falls on both variants of a round.
  const bareSamples = timings.get(bare.name) ?? []
  const paired = (name: string) =>
    summarize((timings.get(name) ?? []).map((value, i) => value / (bareSamples[i] ?? value))).median
  console.log(`median of the rounds' ratios: ${paired(ours.name).toFixed(2)}×`)
  for (const { name } of rows.slice(2)) console.log(`  ${name} / bare, same way: ${paired(name).toFixed(2)}×`)
}
