import { DEFAULT_ISOLATION, ISOLATION_NAMES } from '../core/isolation-names.ts'
import { assertBoolean, assertKnownKeys, assertOneOf } from '../core/options.ts'
import { type Progress, silentProgress } from '../core/progress.ts'
import { OPEN_CONNECTIONS_POLICIES, type OpenConnectionsPolicy } from './database/drop-queue.ts'
import type { IsolatedDatabase, IsolationName } from './isolated-database.ts'
import { ISOLATION_STRATEGIES } from './isolation-strategies.ts'
import { ensureTemplate, type Template } from './templates/ensure-template.ts'
import type { TemplateSource } from './templates/template-source.ts'

export { ISOLATION_NAMES }

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
   * After each `transaction` or `reset` test, look for changes that outlived it (rows committed
   * through another connection, tables created, altered or dropped) and fail the test naming each
   * one. `begin({ leakCheck })` decides per test. Not for `database`, whose clones are restored or dropped.
   * @default true
   */
  leakCheck?: boolean
  /**
   * `database` only: keep a failed test's database and print its URL.
   * @default false
   */
  keepOnFailure?: boolean
  /**
   * What happens to a test's database (`database`) or a worker's (`reset`, at the worker's end)
   * while the app still has connections open on it: `defer`, `wait` or `terminate`, each after a
   * `connection leak:` line naming the test, the count and their `application_name`. See
   * `createDatabasePool()`'s option of the same name.
   * @default 'defer'
   */
  openConnections?: OpenConnectionsPolicy
  /**
   * Under `openConnections: 'wait'`: how long, in milliseconds, a teardown waits for them to close.
   * @default 5000
   */
  openConnectionsTimeout?: number
  /**
   * `database` only: how many clones to keep ready.
   * @default 2
   */
  poolSize?: number
  /**
   * `transaction` and `reset`: called with the URL of a worker database a leak was found in, before
   * it is dropped for a fresh clone, so that a session of the caller's own on it (the wire
   * endpoint's, between tests) closes first instead of holding up the drop.
   * @default none
   */
  beforeReplace?: (url: string) => Promise<void>
  /** @default silent */
  progress?: Progress
}

/** Options of one test's `begin()`. */
export interface BeginOptions {
  /**
   * Fail this test if its changes outlive it. Whether or not the test asks, a leak found after it
   * replaces the database it ran in, so later tests start clean.
   * @default the `leakCheck` option of createIsolation()
   */
  leakCheck?: boolean
}

/**
 * Per-test isolated databases of one kind, on one server. Tests may run at the same time: each
 * `begin()` gets state of its own (a transaction, a clone) until its `rollback()`.
 */
export interface Isolation extends AsyncDisposable {
  readonly strategy: IsolationName
  readonly template: Template
  begin(options?: BeginOptions): Promise<IsolatedDatabase>
  /** Undoes the test; with the leak check on, throws a TestbedError naming what leaked (and replaces the database). */
  rollback(database: IsolatedDatabase, outcome?: { failed?: boolean; testName?: string }): Promise<void>
  /**
   * The database the next test begins in, to read between tests: the worker's (`transaction`,
   * `reset`), a fresh clone once a leak replaced the last; undefined under `database`, where each
   * test has its own.
   */
  betweenTestsUrl(): Promise<string | undefined>
  close(): Promise<void>
}

const WHERE = 'createIsolation()'

/**
 * Builds (or reuses) the template and returns the chosen strategy over it. `transaction` and
 * `reset` work in databases cloned for this caller alone (one per worker, plus one per concurrent
 * test under `reset`), so parallel workers never share state; `database` clones one per test.
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
  const quietProgress = options.progress ?? silentProgress
  const template = await ensureTemplate(
    adminUrl,
    { baseDir: process.cwd(), ...options.template },
    { progress: quietProgress },
  )
  return ISOLATION_STRATEGIES[options.strategy ?? DEFAULT_ISOLATION]({
    adminUrl,
    template,
    leakCheck: options.leakCheck ?? true,
    keepOnFailure: options.keepOnFailure,
    openConnections: options.openConnections,
    openConnectionsTimeout: options.openConnectionsTimeout,
    poolSize: options.poolSize,
    beforeReplace: options.beforeReplace,
    progress: options.progress,
    quietProgress,
  })
}

function validate(options: IsolationOptions): void {
  const known = [
    'strategy',
    'template',
    'leakCheck',
    'keepOnFailure',
    'openConnections',
    'openConnectionsTimeout',
    'poolSize',
    'beforeReplace',
    'progress',
  ]
  assertKnownKeys(WHERE, options, known)
  assertOneOf(WHERE, 'strategy', options.strategy, ISOLATION_NAMES)
  assertOneOf(WHERE, 'openConnections', options.openConnections, OPEN_CONNECTIONS_POLICIES)
  assertBoolean(WHERE, 'leakCheck', options.leakCheck)
}
