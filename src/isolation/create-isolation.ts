import pg from 'pg'
import { assertKnownKeys, assertOneOf } from '../core/options.ts'
import { type Progress, silentProgress } from '../core/progress.ts'
import { createDatabasePool, type DatabaseLease, type DatabasePool } from './database/database-pool.ts'
import { databaseStrategy } from './database/database-strategy.ts'
import type { IsolatedDatabase, IsolationName, IsolationStrategy } from './isolated-database.ts'
import { compareRowCounts, countRows, leakError, type RowCounts } from './leak-check/row-counts.ts'
import { resetStrategy } from './reset/reset-strategy.ts'
import { ensureTemplate, type Template } from './templates/ensure-template.ts'
import type { TemplateSource } from './templates/template-source.ts'
import { transactionStrategy } from './transaction/transaction-strategy.ts'

export const ISOLATION_NAMES = ['transaction', 'database', 'reset'] as const

/** Options of `createIsolation()`. */
export interface IsolationOptions {
  /**
   * How each test gets clean state: `transaction` (rolled back), `database` (a clone per test) or
   * `reset` (the tables the test wrote are restored).
   * @default 'transaction'
   */
  strategy?: IsolationName
  /**
   * What every test's database starts from: migrations, seeds, fixtures. `baseDir` defaults to the
   * current folder.
   * @default {} (an empty database)
   */
  template?: Omit<TemplateSource, 'baseDir'> & { baseDir?: string }
  /**
   * After each test, compare row counts with the starting ones and fail naming each table that
   * leaked. Not for `database`, whose databases are thrown away.
   * @default true when the CI environment variable is set
   */
  leakCheck?: boolean
  /**
   * `database` only: keep a failed test's database and print its URL.
   * @default false
   */
  keepOnFailure?: boolean
  /**
   * `database` only: how many clones to keep ready.
   * @default 2
   */
  poolSize?: number
  /** @default silent */
  progress?: Progress
}

/** Per-test isolated databases of one kind, on one server. */
export interface Isolation extends AsyncDisposable {
  readonly strategy: IsolationName
  readonly template: Template
  begin(): Promise<IsolatedDatabase>
  /** Undoes the test; with the leak check on, throws a TestbedError naming leaked tables (and repairs the database). */
  rollback(database: IsolatedDatabase, outcome?: { failed?: boolean; testName?: string }): Promise<void>
  close(): Promise<void>
}

const WHERE = 'createIsolation()'

/**
 * Builds (or reuses) the template and returns the chosen strategy over it. `transaction` and
 * `reset` work in a database cloned for this caller alone (one per worker), so parallel workers
 * never share state; `database` clones one per test.
 * @example
 * await using isolation = await createIsolation(process.env.TESTBED_POSTGRES_URL, {
 *   template: { migrations: 'migrations', seeds: ['tests/fixtures/seed.sql'] },
 * })
 * const db = await isolation.begin()
 * await db.query('INSERT INTO users (email) VALUES ($1)', ['a@example.com'])
 * await isolation.rollback(db)
 */
export async function createIsolation(adminUrl: string, options: IsolationOptions = {}): Promise<Isolation> {
  validate(options)
  const progress = options.progress ?? silentProgress
  const template = await ensureTemplate(adminUrl, { baseDir: process.cwd(), ...options.template }, { progress })
  const strategy = options.strategy ?? 'transaction'
  if (strategy === 'database') {
    // The pool's own default progress prints on stderr: a kept database's psql line must be seen.
    const inner = await databaseStrategy(adminUrl, template, {
      size: options.poolSize,
      keepOnFailure: options.keepOnFailure,
      progress: options.progress,
    })
    return wrap(inner, template)
  }
  const leakCheck = options.leakCheck ?? Boolean(process.env.CI)
  const clones = await createDatabasePool(adminUrl, template, { size: 1, progress })
  const worker = await WorkerDatabase.open(clones, strategy, leakCheck)
  return workerIsolation(worker, template)
}

function validate(options: IsolationOptions): void {
  assertKnownKeys(WHERE, options, ['strategy', 'template', 'leakCheck', 'keepOnFailure', 'poolSize', 'progress'])
  assertOneOf(WHERE, 'strategy', options.strategy, ISOLATION_NAMES)
}

function wrap(inner: IsolationStrategy, template: Template): Isolation {
  const close = () => inner.close()
  return {
    strategy: inner.name,
    template,
    begin: () => inner.begin(),
    rollback: (database, outcome) =>
      inner.rollback(database, { failed: outcome?.failed ?? false, testName: outcome?.testName }),
    close,
    [Symbol.asyncDispose]: close,
  }
}

function workerIsolation(worker: WorkerDatabase, template: Template): Isolation {
  const close = () => worker.close()
  return {
    strategy: worker.strategyName,
    template,
    begin: () => worker.strategy.begin(),
    rollback: (database, outcome) => worker.rollback(database, outcome?.testName ?? 'the test'),
    close,
    [Symbol.asyncDispose]: close,
  }
}

/** The database one worker's tests run in (`transaction`, `reset`), with its starting row counts. */
class WorkerDatabase {
  readonly strategyName: 'transaction' | 'reset'
  strategy: IsolationStrategy
  readonly #clones: DatabasePool
  #lease: DatabaseLease
  #baseline: RowCounts | null

  private constructor(
    clones: DatabasePool,
    lease: DatabaseLease,
    name: 'transaction' | 'reset',
    strategy: IsolationStrategy,
    baseline: RowCounts | null,
  ) {
    this.#clones = clones
    this.#lease = lease
    this.strategyName = name
    this.strategy = strategy
    this.#baseline = baseline
  }

  static async open(clones: DatabasePool, name: 'transaction' | 'reset', leakCheck: boolean): Promise<WorkerDatabase> {
    const lease = await clones.acquire()
    const strategy = name === 'transaction' ? transactionStrategy(lease.url) : await resetStrategy(lease.url)
    const baseline = leakCheck ? await countRowsAt(lease.url) : null
    return new WorkerDatabase(clones, lease, name, strategy, baseline)
  }

  async rollback(database: IsolatedDatabase, testName: string): Promise<void> {
    await this.strategy.rollback(database)
    if (this.#baseline === null) return
    const leaks = compareRowCounts(this.#baseline, await countRowsAt(this.#lease.url))
    if (leaks.length === 0) return
    // The leaked rows would show up in every later test: swap in a fresh clone before failing this one.
    await this.#replaceDatabase()
    throw leakError(leaks, testName)
  }

  async close(): Promise<void> {
    await this.strategy.close()
    await this.#clones.close()
  }

  async #replaceDatabase(): Promise<void> {
    await this.strategy.close()
    await this.#clones.release(this.#lease.name)
    this.#lease = await this.#clones.acquire()
    this.strategy =
      this.strategyName === 'transaction' ? transactionStrategy(this.#lease.url) : await resetStrategy(this.#lease.url)
  }
}

async function countRowsAt(url: string): Promise<RowCounts> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await countRows(client)
  } finally {
    await client.end()
  }
}
