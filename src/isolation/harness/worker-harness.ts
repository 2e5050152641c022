import pg from 'pg'
import { type Progress, silentProgress } from '../../core/progress.ts'
import { createIsolation, type Isolation, type IsolationOptions } from '../create-isolation.ts'
import { createWireEndpoint, type WireEndpoint } from '../endpoint/wire-endpoint.ts'
import type { IsolatedDatabase, IsolationName } from '../isolated-database.ts'
import { notInTransactionError } from '../transaction/transaction-errors.ts'
import { type Escalation, Escalations } from './escalations.ts'

/** Options of {@link createWorkerHarness}. */
export interface WorkerHarnessOptions extends Omit<IsolationOptions, 'strategy'> {
  /** The PostgreSQL server's admin URL (`TESTBED_POSTGRES_URL`). */
  adminUrl: string
  /**
   * The isolation of a test that names none.
   * @default 'transaction'
   */
  isolation?: IsolationName
  /**
   * Where tests that sent statements `transaction` cannot run are remembered, so later runs give
   * them `database`.
   * @default no memory: such a test fails every run
   */
  escalationsFile?: string
  /** @default silent */
  progress?: Progress
}

/** One test as the harness runs it. */
export interface HarnessTest {
  readonly db: IsolatedDatabase
  /** The isolation it runs under: the one asked for, or `database` when it was escalated. */
  readonly isolation: IsolationName
  /** Why it runs under `database` when another was asked for. */
  readonly escalation: Escalation | undefined
  /** The name it began under: the key of its escalation. */
  readonly name: string
  /** Whether the leak check runs after it. */
  readonly leakCheck: boolean
  /** False for a test that began while another ran (concurrent tests): the endpoint serves the first. */
  readonly servedByEndpoint: boolean
}

/**
 * A test worker's databases behind one stable URL. `env` (`DATABASE_URL`, `PG*`) points at the
 * worker's wire endpoint, which always serves the current test's database under every isolation:
 * set it before the app is imported. Runners (the Vitest fixtures, the Jest environment) call
 * `beginTest` and `endTest` around each test.
 * @example
 * const harness = await createWorkerHarness({ adminUrl, template: { migrations: 'migrations' } })
 * Object.assign(process.env, harness.env)
 * const test = await harness.beginTest('users > signs up')
 * // … the app's module-level pool on DATABASE_URL runs inside the test …
 * await harness.endTest(test, { failed: false })
 */
export async function createWorkerHarness(options: WorkerHarnessOptions): Promise<WorkerHarness> {
  const harness = new WorkerHarness(options, await createWireEndpoint())
  try {
    await harness.warm()
    return harness
  } catch (error) {
    await harness.close()
    throw error
  }
}

export class WorkerHarness implements AsyncDisposable {
  readonly #options: WorkerHarnessOptions
  readonly #endpoint: WireEndpoint
  readonly #escalations: Escalations | null
  readonly #isolations = new Map<IsolationName, Promise<Isolation>>()
  // Under `transaction`, `db.pool` goes through the endpoint, into the same transaction as the app.
  #endpointPool: pg.Pool | null = null
  #current: HarnessTest | null = null
  #betweenTestsDb: IsolatedDatabase | null = null
  readonly #inner = new Map<HarnessTest, IsolatedDatabase>()

  constructor(options: WorkerHarnessOptions, endpoint: WireEndpoint) {
    this.#options = options
    this.#endpoint = endpoint
    this.#escalations = options.escalationsFile ? new Escalations(options.escalationsFile) : null
  }

  /** `DATABASE_URL` and the libpq variables, pointing at the worker's endpoint. */
  get env(): Readonly<Record<string, string>> {
    return this.#endpoint.env
  }

  /**
   * Builds the template and the default isolation's databases now, before the first test, and
   * serves the worker's database between tests (reads at import time and in `beforeAll`).
   */
  async warm(): Promise<void> {
    const strategy = this.#options.isolation ?? 'transaction'
    const isolation = await this.#isolation(strategy)
    const db = await isolation.begin()
    // Under `database` the worker keeps a clone of its own to read between tests.
    if (strategy === 'database') this.#betweenTestsDb = db
    else await isolation.rollback(db)
    this.#endpoint.setBetweenTests(db.url)
    // With no test begun, ending one moves the endpoint to the between-tests phase at once.
    await this.#endpoint.endTest()
  }

  /**
   * Gives `testName` its database under `isolation` (or `database`, if an earlier run escalated it)
   * and points the endpoint at it. A test that begins while another runs (concurrent tests) gets
   * its `db` without the endpoint, which serves the first.
   */
  async beginTest(
    testName: string,
    isolation = this.#options.isolation ?? 'transaction',
    { leakCheck = this.#options.leakCheck ?? true }: { leakCheck?: boolean } = {},
  ): Promise<HarnessTest> {
    const escalation = isolation === 'transaction' ? this.#escalations?.of(testName) : undefined
    const strategy = escalation ? 'database' : isolation
    if (escalation) this.#progress.warn(escalatedLine(escalation, this.#escalations?.file ?? ''))
    const inner = await (await this.#isolation(strategy)).begin({ leakCheck })
    const servedByEndpoint = this.#current === null
    const test = { db: inner, name: testName, isolation: strategy, escalation, leakCheck, servedByEndpoint }
    this.#inner.set(test, inner)
    if (!servedByEndpoint) return test
    this.#current = test
    await this.#endpoint.beginTest({ isolation: strategy, url: inner.url })
    if (strategy !== 'transaction') return test
    return Object.assign(test, { db: this.#throughEndpoint(inner) })
  }

  /**
   * Ends the test: the endpoint closes or rolls back what the test's connections did, then the
   * strategy undoes the rest (a leak found throws). A statement `transaction` refused fails the
   * test here, and is remembered for the next run.
   */
  async endTest(test: HarnessTest, outcome: { failed: boolean; testName?: string }): Promise<void> {
    const inner = this.#inner.get(test) ?? test.db
    this.#inner.delete(test)
    const refused = this.#current === test ? (await this.#endpoint.endTest()).refused : []
    if (this.#current === test) this.#current = null
    const isolation = await this.#isolation(test.isolation)
    try {
      await isolation.rollback(inner, { failed: outcome.failed || refused.length > 0, testName: outcome.testName })
    } finally {
      await this.#serveBetweenTests(isolation)
    }
    const first = refused[0]
    if (first === undefined) return
    const escalation = { test: test.name, ...first }
    if (test.name) this.#escalations?.remember(escalation)
    throw this.#refusedError(escalation)
  }

  async close(): Promise<void> {
    await this.#endpointPool?.end().catch(() => {})
    await this.#endpoint.close()
    const between = this.#betweenTestsDb
    if (between) await (await this.#isolation('database')).rollback(between).catch(() => {})
    const isolations = await Promise.allSettled(this.#isolations.values())
    await Promise.all(isolations.map((result) => (result.status === 'fulfilled' ? result.value.close() : undefined)))
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  get #progress(): Progress {
    return this.#options.progress ?? silentProgress
  }

  #isolation(strategy: IsolationName): Promise<Isolation> {
    let isolation = this.#isolations.get(strategy)
    if (!isolation) {
      const { adminUrl, isolation: _default, escalationsFile: _file, ...options } = this.#options
      // The endpoint's session between tests lets go of a database a leak retired before it is dropped.
      const beforeReplace = (url: string) => this.#endpoint.letGo(url)
      isolation = createIsolation(adminUrl, { ...options, strategy, beforeReplace })
      this.#isolations.set(strategy, isolation)
    }
    return isolation
  }

  /**
   * A leak (reported or not) replaces the worker's database: reads between tests move to the new
   * one. A failed lookup keeps the current one, so it never hides why the rollback failed.
   */
  async #serveBetweenTests(isolation: Isolation): Promise<void> {
    const next = await isolation.betweenTestsUrl().catch(() => undefined)
    if (next !== undefined) await this.#endpoint.serveBetweenTests(next)
  }

  #throughEndpoint(inner: IsolatedDatabase): IsolatedDatabase {
    if (this.#endpointPool === null) {
      this.#endpointPool = new pg.Pool({ connectionString: this.#endpoint.socketUrl ?? this.#endpoint.url })
      this.#endpointPool.on('error', () => {})
    }
    const pool = this.#endpointPool
    // `url` stays the worker's database, as documented for `transaction`: `DATABASE_URL` is the endpoint's.
    return { ...inner, pool, query: pool.query.bind(pool) as pg.Pool['query'] }
  }

  #refusedError(escalation: Escalation) {
    const error = notInTransactionError(escalation.label, escalation.statement)
    if (this.#escalations === null || escalation.test === '') return error
    return error.withDetails([
      `testbed remembers this test in ${this.#escalations.file}: from the next run on it gets a database of its own (isolation 'database'), and says so`,
    ])
  }
}

function escalatedLine({ test, label }: Escalation, file: string): string {
  return `${test} runs under isolation 'database': on an earlier run it sent ${label}, which cannot run inside the test's transaction (remembered in ${file}; delete its line to try 'transaction' again)`
}
