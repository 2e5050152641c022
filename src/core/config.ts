import { createHash } from 'node:crypto'
import type { Duration } from './duration.ts'
import type { IsolationName } from './isolation-names.ts'

/** What a service kind's factory (`postgres()`, `redis()`) returns: plain data, so configs can be hashed and compared. */
export interface ServiceDeclaration {
  readonly kind: string
  readonly options: object
}

/** The contents of `testbed.config.ts`. */
export interface TestbedConfig {
  /**
   * The services a suite needs, by name. The name picks the environment variable that points at
   * the service (`db` → `TESTBED_DB_URL`); the first service of a kind also gets `TESTBED_<KIND>_URL`.
   * @default { postgres: postgres(), redis: redis() }
   */
  services?: Record<string, ServiceDeclaration>
  /**
   * How each test that uses the `db` fixture gets clean state: `transaction` (rolled back),
   * `database` (a clone of the template per test) or `reset` (the tables it wrote are restored).
   * A file or a describe block picks another with `test.override({ isolation: 'database' })`.
   * @default 'transaction'
   */
  isolation?: IsolationSetting
  /**
   * After each `transaction` or `reset` test, fail it if changes outlived it: rows committed through
   * a connection of its own, tables created, altered or dropped. Each failure names the test, every
   * changed table and what changed; the worker's database is then replaced, so later tests start
   * clean. A file or a describe block picks another value with `test.override({ leakCheck: false })`,
   * one test with `{ meta: { leakCheck: false } }`. Costs about 0.1–0.2 ms per test
   * (docs/performance.md).
   * @default true
   */
  leakCheck?: boolean
  /**
   * Under isolation `database`, keep the database of a test that failed instead of dropping it, and
   * name it (with its `psql` URL) in the run's output and report. It lasts as long as its server:
   * one started for the run stops at its end; one left running by `testbed services up --detach`
   * (or an external URL) keeps it until you drop it.
   * @default false
   */
  keepOnFailure?: boolean
  /**
   * What happens to a test's database (`database`; the worker's under `reset`) while the app still
   * has connections open on it, such as a pool it never ends. Each case first prints a
   * `connection leak:` line naming the test, how many connections it left open and their
   * `application_name`. `defer` drops the database once they close, in the background; `wait`
   * holds the test's teardown until they close (up to `openConnectionsTimeout`), then defers;
   * `terminate` ends them and drops it at once (for apps whose pools listen for `'error'`: the
   * others see the server's `57P01`). Connections made through the worker's `DATABASE_URL` are
   * closed by testbed after each test and never count.
   * @default 'defer'
   */
  openConnections?: 'defer' | 'wait' | 'terminate'
  /**
   * Under `openConnections: 'wait'`, how long a test's teardown waits for its connections to close.
   * @example '2s'
   * @default '5s'
   */
  openConnectionsTimeout?: Duration
  /**
   * What happens in an integration test to outbound traffic no http mock answers (HTTP requests to
   * hosts other than loopback, DNS lookups of such hosts): `error` fails it before any lookup or
   * connection, and fails the test; `warn` lets it through with a warning; `bypass` lets it through.
   * A file or a describe block picks another with `test.override({ unhandledHttp: 'bypass' })`,
   * one test with `{ meta: { unhandledHttp: 'bypass' } }`.
   * @default 'error'
   */
  unhandledHttp?: UnhandledHttpSetting
  /**
   * The timeout of each integration test (and of its hooks). Service start-up is not part of it.
   * @example '45s'
   * @default '300s'
   */
  timeout?: Duration
  /**
   * A test that takes longer is reported as slow (tag it `slow` so that `-m "not slow"` skips it).
   * @default '1s'
   */
  slowThreshold?: Duration
  /**
   * How long the tests of each kind may take in total (the sum of their durations). Over budget,
   * the run warns; with `testbed test --budget=strict` (or `TESTBED_BUDGET=strict`) it fails.
   * @example { integration: '5m' }
   * @default {} (no budget)
   */
  budget?: BudgetSetting
  /**
   * Tags besides `unit`, `integration` and `slow`: a name, or a definition with a description and
   * options Vitest applies to every test carrying the tag.
   * @example ['smoke', { name: 'payments', description: 'Talks to the payment sandbox', timeout: 60_000 }]
   * @default []
   */
  tags?: Array<string | TagDeclaration>
  /**
   * The folders of the Vitest projects `unit` and `integration`. Every test in the integration
   * folder is tagged `integration`, every test in the unit folder `unit`.
   * @default { unit: 'tests/unit', integration: 'tests/integration' }
   */
  dirs?: { unit?: string; integration?: string }
  /**
   * Adopt an existing suite as it is: which of its test files are integration tests, as globs
   * (`'test/**\/*Test.ts'`) or folders (`'test/db'`). Set, the plugin keeps the suite's own
   * `include`, `exclude`, `globals` and projects instead of making `unit` and `integration`
   * projects from `dirs`, and adds only tags, the global setup and setup files. Every test of a
   * matching file is tagged `integration` and runs isolated with no change to it: before the file is
   * imported `DATABASE_URL` and `PG*` point at the worker's endpoint, and each test (with its
   * `beforeEach`/`afterEach`) runs in its own state under `isolation`. `{ files, tags }` also
   * counts the tests carrying one of the suite's own Vitest tags ({@link IntegrationTestsSetting}).
   * The suite's inline `projects` are kept, each given testbed's setup files and tags.
   * @example ['test/**\/*Test.ts']
   * @example { tags: ['db'] }
   * @default undefined (the `unit` and `integration` projects from `dirs`)
   */
  integrationTests?: string | string[] | IntegrationTestsSetting
}

/**
 * Which tests of an adopted suite are integration tests: those of the files `files` matches, and
 * those carrying one of `tags` (on the test, its `describe`, or the file's `@module-tag`). Give one
 * or both.
 * @example { tags: ['db'] }
 * @example { files: 'test/db', tags: ['integration'] }
 */
export interface IntegrationTestsSetting {
  /**
   * Globs (`'test/**\/*Test.ts'`) or folders (`'test/db'`): every test of a matching file.
   * @default none: no file is an integration file as a whole
   */
  files?: string | string[]
  /**
   * Vitest test tags the suite already puts on its integration tests. testbed declares them if the
   * suite's vitest.config.ts does not, and gives them what it gives `integration`: skipped unless
   * integration tests are on, the integration timeout, the network guard, the endpoint and isolation.
   * @default none: only testbed's own `integration` tag
   */
  tags?: string[]
}

/** The isolation strategies a suite can choose. */
export type IsolationSetting = IsolationName

/** What happens to outbound traffic of an integration test that no http mock answers. */
export type UnhandledHttpSetting = 'error' | 'warn' | 'bypass'

/** Duration budgets, by kind of test. `total` counts every test. */
export interface BudgetSetting {
  unit?: Duration
  integration?: Duration
  total?: Duration
}

/** A tag with a description and options Vitest applies to every test that carries it. */
export interface TagDeclaration {
  name: string
  /** Shown by `vitest --list-tags` and in the error for an unknown tag. */
  description?: string
  /** Milliseconds. */
  timeout?: number
  retry?: number
  /** Lower wins when two tags of a test set the same option. */
  priority?: number
}

/**
 * Declares testbed's configuration, with types.
 * @example
 * export default defineConfig({ services: { db: postgres(), cache: redis() } })
 */
export function defineConfig(config: TestbedConfig): TestbedConfig {
  return config
}

/** Identifies a set of service declarations, so a later run can tell whether running services match its config. */
export function hashServices(services: Record<string, ServiceDeclaration>): string {
  const canonical = Object.entries(services)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, service]) => [name, service.kind, service.options])
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex').slice(0, 16)
}
