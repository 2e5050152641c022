import type { IsolationSetting } from '../core/config.ts'
import type { Progress } from '../core/progress.ts'

/**
 * A running service as tests see it: what the main process hands every worker. JSON only, since it
 * crosses from the main process to the workers.
 */
export interface TestedService {
  name: string
  kind: string
  /** Where to connect; for PostgreSQL, the server's admin database (use the `db` fixture for a test's own). */
  url: string
  /** PostgreSQL only: the template every test database is cloned from, and what it was built from. */
  template?: { name: string; migrations?: string; seeds?: string[]; fixtures?: string }
  /** Where its test-side behaviour lives (`ServiceDefinition.testing`), for workers to load. */
  testing?: TestingModule
  /** What the kind's `prepare` hands its fixture in each worker, as JSON (Firestore: its seed files). */
  data?: Record<string, unknown>
}

/** A kind's test-side module, named by path so the service layer never imports the kit that implements it. */
export interface TestingModule {
  /** The module's path: `siblingFile(import.meta.url, './postgres-testing')` (`.ts` in the sources, `.js` once built). */
  module: string
  /** The name of the per-test fixture it offers in `testbed/vitest` (`db`, `redis`); the first service offering a name gets it. */
  fixture: string
}

/** What a kind's testing module exports: how to get a service ready for tests, and the fixture it gives each test. */
export interface ServiceTesting {
  /** Main process, before the start: the key of a saved snapshot to start from (see `ServiceDefinition.snapshot`). */
  snapshotKey?(options: object, projectDir: string): Promise<string>
  /** Main process, once started: builds what every test starts from. `built` asks for a snapshot to be saved. */
  prepare?(service: TestedService, options: object, context: PrepareContext): Promise<Prepared>
  /** Worker, on first use: what hands each test its own isolated state of this service. */
  createFixture(service: TestedService, context: FixtureContext): ServiceFixture<unknown>
}

export interface PrepareContext {
  projectDir: string
  progress: Progress
}

export interface Prepared {
  /** Added to what workers see of the service (`template`). */
  info: Partial<TestedService>
  built: boolean
}

/** The settings of the run a fixture follows. */
export interface FixtureContext {
  projectDir: string
  leakCheck: boolean
  keepOnFailure: boolean
}

/** What one test asked of its fixture: the `isolation` and `leakCheck` options in force. */
export interface TestChoice {
  isolation: IsolationSetting
  leakCheck: boolean
  /** The runner's id of the test, to find state begun for it before the fixture (the worker's endpoint). */
  testId?: string
}

/** How one test ended. */
export interface TestOutcome {
  failed: boolean
  testName: string
}

/** One worker's supply of a service's per-test state: begun before a test, ended after it. */
export interface ServiceFixture<Value> {
  begin(choice: TestChoice): Promise<Value>
  /** Undoes what the test did; returns how to reach what a failed test left, when kept (`psql …`). */
  end(value: Value, outcome: TestOutcome): Promise<string | undefined>
  close(): Promise<void>
}
