// The `database` strategy: handout latency from a warm clone pool, and what a clone costs in the
// background for schemas of 0, 50 and 200 tables with FILE_COPY and WAL_LOG.
// Machines are noisy, so this prints medians, p90s and same-run ratios and never fails on time.
// Usage: npx node bench/isolation-database.ts [--samples N] [--provider embedded|local] [--durable] [--handout-only]
// --durable turns fsync, synchronous_commit and full_page_writes back on, as on a production-like server.
import { mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { createDatabasePool } from '../src/isolation/database/database-pool.ts'
import { databaseStrategy } from '../src/isolation/database/database-strategy.ts'
import { databaseUrl } from '../src/isolation/templates/database-url.ts'
import { dropDatabase } from '../src/isolation/templates/drop-database.ts'
import { ensureTemplate, type Template } from '../src/isolation/templates/ensure-template.ts'
import { postgres } from '../src/services/postgres/postgres-service.ts'
import { runOf, startServices } from '../src/services/service-set.ts'

type Strategy = 'FILE_COPY' | 'WAL_LOG'

const HANDOUT_TARGET_MS = 0.1
const HANDOUT_WARMUP = 20
const HANDOUT_VARIANTS = [
  'SELECT 1 (baseline)',
  'acquire(), recycled clone',
  'acquire(), fresh clone',
  'begin(), recycled clone',
] as const
const FILESYSTEMS: Record<number, string> = { 16914836: 'tmpfs', 61267: 'ext4', 1481003842: 'xfs', 2435016766: 'btrfs' }
const SCHEMAS = [0, 50, 200]
const STRATEGIES: Strategy[] = ['FILE_COPY', 'WAL_LOG']
const { samples, provider, durable, handoutOnly } = parseOptions()
// The server's data dir goes where testbed puts it by default (/dev/shm when it is a roomy tmpfs);
// TESTBED_STATE_DIR=/tmp/testbed-bench measures a disk instead.
const root = mkdtempSync(join(tmpdir(), 'testbed-bench-db-'))
process.env.TESTBED_QUIET = '1'

const settings: Record<string, string> = durable
  ? { fsync: 'on', synchronous_commit: 'on', full_page_writes: 'on' }
  : {}
const set = await startServices({ db: postgres({ provider, settings }) }, { projectDir: root })
const adminUrl = set.services[0]?.url ?? ''
const admin = new pg.Client(adminUrl)
try {
  await admin.connect()
  const templates = new Map<number, Template>()
  for (const tables of SCHEMAS) templates.set(tables, await schemaTemplate(tables))
  const fifty = templates.get(50) as Template
  await reportServer()
  await reportHandout(fifty)
  if (!handoutOnly) {
    await reportCloneCost(templates)
    await reportBusyServer(fifty)
    await reportConcurrency(fifty)
  }
} finally {
  await admin.end().catch(() => {})
  await set.stop()
  rmSync(root, { recursive: true, force: true })
}

function parseOptions(): { samples: number; provider: 'embedded' | 'local'; durable: boolean; handoutOnly: boolean } {
  const { values } = parseArgs({
    options: {
      samples: { type: 'string', default: '15' },
      provider: { type: 'string', default: 'embedded' },
      durable: { type: 'boolean', default: false },
      'handout-only': { type: 'boolean', default: false },
    },
  })
  const count = Number(values.samples)
  if (!Number.isInteger(count) || count < 1)
    throw new Error(`--samples must be a positive integer, got ${values.samples}`)
  if (values.provider !== 'embedded' && values.provider !== 'local') throw new Error('--provider: embedded or local')
  return { samples: count, provider: values.provider, durable: values.durable, handoutOnly: values['handout-only'] }
}

/** A template with `tables` tables, each with a primary key, an index, a foreign key and 10 rows. */
async function schemaTemplate(tables: number): Promise<Template> {
  const dir = join(root, `schema-${tables}`)
  mkdirSync(join(dir, 'migrations'), { recursive: true })
  const statements = Array.from({ length: tables }, (_, i) => tableSql(i))
  writeFileSync(join(dir, 'migrations', '001_schema.sql'), statements.join('\n'))
  return ensureTemplate(adminUrl, { migrations: 'migrations', baseDir: dir })
}

function tableSql(i: number): string {
  const ref = i === 0 ? '' : `, parent_id bigint REFERENCES t${i - 1} (id)`
  return `CREATE TABLE t${i} (id bigserial PRIMARY KEY, name text NOT NULL, created_at timestamptz DEFAULT now()${ref});
CREATE INDEX ON t${i} (name);
INSERT INTO t${i} (name) SELECT 'row ' || n FROM generate_series(1, 10) n;`
}

async function reportServer(): Promise<void> {
  const { rows } = await admin.query<{ version: string; fsync: string; fpw: string }>(
    `SELECT current_setting('server_version') AS version, current_setting('fsync') AS fsync,
            current_setting('full_page_writes') AS fpw`,
  )
  const server = rows[0]
  console.log(`\nPostgreSQL ${server?.version} (${provider}), fsync=${server?.fsync}, full_page_writes=${server?.fpw}`)
  const filesystem =
    FILESYSTEMS[statfsSync(runOf(set).dir).type] ?? `type 0x${statfsSync(runOf(set).dir).type.toString(16)}`
  console.log(`${availableParallelism()} cores, Node ${process.version}, ${samples} samples per cell`)
  console.log(`data dir ${runOf(set).dir} (${filesystem})\n`)
}

// A handout as a test sees it, in rounds that interleave four variants: one `SELECT 1` round trip
// on an idle connection (the baseline: the least a server can answer), acquire() of a clone the
// pool got back through recycle() and of a fresh one (the previous one dropped, the pool refilled),
// and the strategy's begin() of a recycled clone, which is what a test waits for. Then begin() back
// to back without recycling, as when tests outrun the refill and each waits for a clone.
async function reportHandout(template: Template): Promise<void> {
  const rounds = samples * 20
  const timings = new Map<string, number[]>(HANDOUT_VARIANTS.map((name) => [name, []]))
  await using recycled = await createDatabasePool(adminUrl, template, { progress: silent() })
  await using fresh = await createDatabasePool(adminUrl, template, { progress: silent() })
  await using strategy = await databaseStrategy(adminUrl, template, { progress: silent() })
  const variants: Record<(typeof HANDOUT_VARIANTS)[number], () => Promise<() => Promise<unknown>>> = {
    'SELECT 1 (baseline)': async () => {
      await admin.query('SELECT 1')
      return async () => {}
    },
    'acquire(), recycled clone': async () => {
      const { name } = await recycled.acquire()
      return async () => recycled.recycle(name)
    },
    'acquire(), fresh clone': async () => {
      const { name } = await fresh.acquire()
      return () => fresh.release(name).then(() => fresh.warm())
    },
    'begin(), recycled clone': async () => {
      const db = await strategy.begin()
      return () => strategy.rollback(db)
    },
  }
  await Promise.all([recycled.warm(), fresh.warm(), strategy.clones.warm()])
  for (let round = 0; round < rounds; round++) {
    for (const name of rotated(HANDOUT_VARIANTS, round)) {
      const started = performance.now()
      const giveBack = await variants[name]()
      const elapsed = performance.now() - started
      await giveBack()
      // The first rounds open the strategy's sessions and warm the JIT; they are not counted.
      if (round >= HANDOUT_WARMUP) timings.get(name)?.push(elapsed)
    }
  }
  const backToBack = await beginBackToBack(template)
  table(`Handout (${template.name}, 50 tables, pool size 2, ${rounds - HANDOUT_WARMUP} rounds)`, [
    ...[...timings].map(([name, values]): [string, number[]] => [name, values]),
    ['begin() back to back, no recycling (waits for clones)', backToBack],
  ])
  const baseline = timings.get('SELECT 1 (baseline)') ?? []
  for (const name of HANDOUT_VARIANTS.slice(1)) {
    const values = timings.get(name) ?? []
    console.log(`${name.padEnd(52)}${(percentile(values, 0.5) / percentile(baseline, 0.5)).toFixed(2)}× SELECT 1`)
  }
  const median = percentile(timings.get('begin(), recycled clone') ?? [], 0.5)
  console.log(
    `begin() of a recycled clone, median ≤ ${HANDOUT_TARGET_MS} ms: ${median <= HANDOUT_TARGET_MS ? 'PASS' : 'MISS'}\n`,
  )
}

async function beginBackToBack(template: Template): Promise<number[]> {
  await using strategy = await databaseStrategy(adminUrl, template, { progress: silent(), recycle: false })
  await strategy.clones.warm()
  const times: number[] = []
  for (let i = 0; i < samples * 2; i++) {
    const started = performance.now()
    const db = await strategy.begin()
    times.push(performance.now() - started)
    await strategy.rollback(db)
  }
  return times
}

function rotated<T>(items: readonly T[], round: number): T[] {
  return items.map((_, i) => items[(i + round) % items.length] as T)
}

// Each round clones with both strategies, alternating which goes first, so drift hits both alike.
async function reportCloneCost(templates: Map<number, Template>): Promise<void> {
  const rows: Array<[string, number[]]> = []
  const medians = new Map<string, number>()
  for (const [tables, template] of templates) {
    const size = await databaseSize(template.name)
    const results = await cloneRounds(template, async () => {})
    for (const strategy of STRATEGIES) {
      const create = results.get(`create ${strategy}`) ?? []
      rows.push([`${tables} tables (${size}): CREATE … ${strategy}`, create])
      rows.push([`${tables} tables: DROP after ${strategy}`, results.get(`drop ${strategy}`) ?? []])
      medians.set(`${tables} ${strategy}`, percentile(create, 0.5))
    }
  }
  table('Background clone cost (one CREATE DATABASE at a time, idle server)', rows)
  for (const tables of SCHEMAS) {
    const ratio = (medians.get(`${tables} WAL_LOG`) ?? 0) / (medians.get(`${tables} FILE_COPY`) ?? 1)
    console.log(`${String(tables).padStart(3)} tables: WAL_LOG / FILE_COPY = ${ratio.toFixed(2)}×`)
  }
  console.log('')
}

// FILE_COPY checkpoints, and a checkpoint writes every dirty buffer on the server: tests writing in
// other clones make it pay more. Before each clone, 20 000 rows are updated in another database.
async function reportBusyServer(template: Template): Promise<void> {
  const busy = await createBusyDatabase()
  try {
    const results = await cloneRounds(template, () => busy.query('UPDATE churn SET n = n + 1'))
    table(
      'Clone cost on a busy server (50 tables; 20 000 rows updated elsewhere before each clone)',
      STRATEGIES.map((strategy) => [`CREATE … ${strategy}`, results.get(`create ${strategy}`) ?? []]),
    )
  } finally {
    await busy.end()
    await dropDatabase(admin, 'bench_busy')
  }
}

async function createBusyDatabase(): Promise<pg.Client> {
  await admin.query('CREATE DATABASE bench_busy')
  const busy = new pg.Client(databaseUrl(adminUrl, 'bench_busy'))
  await busy.connect()
  await busy.query(`CREATE TABLE churn AS SELECT n, repeat('x', 200) AS filler FROM generate_series(1, 20000) n`)
  return busy
}

async function cloneRounds(template: Template, before: () => Promise<unknown>): Promise<Map<string, number[]>> {
  const results = new Map<string, number[]>()
  const record = (name: string, ms: number) => results.set(name, [...(results.get(name) ?? []), ms])
  for (let round = 0; round < samples + 1; round++) {
    const order = round % 2 === 0 ? STRATEGIES : [...STRATEGIES].reverse()
    for (const strategy of order) {
      await before()
      const name = `bench_clone_${strategy.toLowerCase()}`
      const create = await timed(() =>
        admin.query(`CREATE DATABASE ${name} TEMPLATE ${template.name} STRATEGY ${strategy}`),
      )
      const drop = await timed(() => dropDatabase(admin, name))
      // The first round warms caches and is not counted.
      if (round > 0) record(`create ${strategy}`, create)
      if (round > 0) record(`drop ${strategy}`, drop)
    }
  }
  return results
}

// Throughput of the pool's refill with 1, 2 and 4 CREATE DATABASE at once: the pool caps it at 2.
async function reportConcurrency(template: Template): Promise<void> {
  const clones = samples * 2
  const rows: Array<[string, number[]]> = []
  for (const strategy of STRATEGIES) {
    for (const parallel of [1, 2, 4]) {
      const perClone = await timed(() => cloneInParallel(template, strategy, parallel, clones))
      rows.push([`${strategy}, ${parallel} at once: ms per clone`, [perClone / clones]])
    }
  }
  table(`Refill throughput (${clones} clones of 50 tables, then dropped)`, rows)
}

async function cloneInParallel(template: Template, strategy: Strategy, parallel: number, total: number) {
  const connections = await Promise.all(Array.from({ length: parallel }, () => connect()))
  let next = 0
  const names: string[] = []
  await Promise.all(
    connections.map(async (client) => {
      while (next < total) {
        const name = `bench_parallel_${next++}`
        names.push(name)
        await client.query(`CREATE DATABASE ${name} TEMPLATE ${template.name} STRATEGY ${strategy}`)
      }
    }),
  )
  for (const name of names) await dropDatabase(admin, name)
  await Promise.all(connections.map((client) => client.end()))
}

async function connect(): Promise<pg.Client> {
  const client = new pg.Client(adminUrl)
  await client.connect()
  return client
}

async function databaseSize(name: string): Promise<string> {
  const { rows } = await admin.query<{ size: string }>('SELECT pg_size_pretty(pg_database_size($1)) AS size', [name])
  return rows[0]?.size ?? '?'
}

function table(title: string, rows: Array<[string, number[]]>): void {
  console.log(title)
  console.log(`${''.padEnd(52)}${'median'.padStart(10)}${'p90'.padStart(10)}`)
  for (const [name, values] of rows) {
    console.log(
      `${name.padEnd(52)}${ms(percentile(values, 0.5)).padStart(10)}${ms(percentile(values, 0.9)).padStart(10)}`,
    )
  }
  console.log('')
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now()
  await work()
  return performance.now() - started
}

// Nearest rank: report a value that was actually observed.
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN
}

function ms(value: number): string {
  return value < 10 ? `${value.toFixed(3)} ms` : `${Math.round(value)} ms`
}

function silent() {
  return { step() {}, done() {}, warn() {} }
}
