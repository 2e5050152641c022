import type { Firestore } from '@google-cloud/firestore'
import type { Redis } from 'ioredis'
import { type TestAPI, test as vitestTest } from 'vitest'
import type { IsolationSetting, UnhandledHttpSetting } from '../../core/config.ts'
import type { FactorySession } from '../../data/factories/factory-types.ts'
import type { LoadFixture } from '../../data/fixtures/load-fixture.ts'
import type { FixtureSet } from '../../data/labelled/fixture-set.ts'
import type { App } from '../../http/client/app-dispatch.ts'
import type { ApiClient } from '../../http/client/create-client.ts'
import { setGuardPolicy } from '../../http/guard/network-guard.ts'
import type { HttpMock } from '../../http/mock/http-mock.ts'
import { runInHttpScope } from '../../http/mock/http-scope.ts'
import type { IsolatedDatabase } from '../../isolation/isolated-database.ts'
import type { FirestoreLibrary } from '../../services/firestore/firestore-client.ts'
import type { FirestoreTestProject } from '../../services/firestore/firestore-testing.ts'
import type { ServiceFixture, TestChoice, TestOutcome } from '../../services/service-testing.ts'
import type { ServiceInfo } from '../provided.ts'
import { reportMetaOf } from '../report-meta.ts'
import { isolationOf, leakCheckOf } from './isolation-choice.ts'
import { missingApp } from './missing-app.ts'
import { unhandledHttpOf } from './unhandled-http-choice.ts'
import { WorkerResources } from './worker-resources.ts'

/** The fixtures `test` from `testbed/vitest` adds. Each is made only when a test asks for it. */
export interface TestbedFixtures {
  /**
   * The isolation strategy of `db`. Pick another for a file or a describe block with
   * `test.override({ isolation: 'database' })`, for one test with `{ meta: { isolation: 'database' } }`.
   * @default testbed.config.ts `isolation`, else 'transaction'
   */
  isolation: IsolationSetting
  /**
   * Whether `db` fails the test when changes outlive it (rows committed through a connection of
   * its own, tables created, altered or dropped). Set it for a file or a describe block with
   * `test.override({ leakCheck: false })`, for one test with `{ meta: { leakCheck: false } }`.
   * @default testbed.config.ts `leakCheck`, else true
   */
  leakCheck: boolean
  /**
   * What happens in an integration test to outbound traffic no http mock answers: `error` fails it
   * before it reaches the network, `warn` lets it through with a warning, `bypass` lets it through.
   * Pick another for a file or a describe block with `test.override({ unhandledHttp: 'bypass' })`,
   * for one test with `{ meta: { unhandledHttp: 'bypass' } }`.
   * @default testbed.config.ts `unhandledHttp`, else 'error'
   */
  unhandledHttp: UnhandledHttpSetting
  /**
   * A database only this test sees, on the first PostgreSQL service: `db.pool`, `db.url`, `db.query`.
   * Undone after the test. Concurrent tests (`test.concurrent`) each get their own.
   */
  db: IsolatedDatabase
  /**
   * An ioredis client on a logical database only this test uses while it runs, emptied after it.
   * Concurrent tests each get their own database.
   */
  redis: Redis
  /**
   * This test's own state of the service named `name` in testbed.config.ts, as its kind isolates it:
   * an `IsolatedDatabase` for a PostgreSQL service, an ioredis client for a Redis one. Undone after
   * the test. `db` and `redis` are `isolated()` of the first service of their kind.
   * @example
   * test('copies orders to analytics', async ({ db, isolated }) => {
   *   const analytics = await isolated<IsolatedDatabase>('analytics')
   *   await analytics.query('SELECT 1')
   * })
   */
  isolated: Isolated
  /**
   * A Firestore client bound to a project only this test uses, with the `firestore({ seeds })` in it.
   * Concurrent tests each get their own project; after the test its client is closed and its project emptied.
   */
  firestore: Firestore
  /** The test's Firestore project: its id, and the emulator's URL and `host:port`, for clients the app makes itself. */
  firestoreProject: { projectId: string; url: string; host: string }
  /**
   * The library the `firestore` client comes from. Pick the other for a file or a describe block with
   * `test.override({ firestoreClient: '@google-cloud/firestore' })`.
   * @default 'firebase-admin'
   */
  firestoreClient: FirestoreLibrary
  /** The running services by name: kind, URL and (PostgreSQL) template. */
  services: Record<string, ServiceInfo>
  /**
   * Strict mocks for the third-party HTTP APIs the app calls (fetch, node:http, undici, axios, got):
   * an unmatched request or an unused mock fails the test. Loopback requests pass through.
   */
  http: HttpMock
  /**
   * The app the `api` fixture calls. Provide it with `test.extend({ app: async ({ db }, use) => use(createApp(db.pool)) })`.
   */
  app: App
  /** An in-process client for `app`'s own HTTP API: no port, a cookie jar, `bearer()` and `as()`. */
  api: ApiClient
  /** Factories writing through `db`, with faker seeded per test: `factories.factory(user).create()`. */
  factories: FactorySession
  /** Reads JSON or YAML from the `fixtures/` folder next to the test file. */
  load: LoadFixture
  /**
   * The labelled rows baked into the template (`postgres({ rows: 'folder' })`), by table and label:
   * `rows.users.alice.id`.
   */
  rows: FixtureSet
  /**
   * The former name of `rows`.
   * @deprecated Use `rows`; `fixtures` works until the next release. ("Fixtures" are Vitest's.)
   */
  fixtures: FixtureSet
}

/** Gives a test its own state of a named service: `await isolated<IsolatedDatabase>('analytics')`. */
export type Isolated = <Value = unknown>(serviceName: string) => Promise<Value>

// The object form with `[value, options]` tuples works the same on Vitest 4.1 and 5.
const extended = vitestTest.extend<TestbedFixtures & { testbedWorker: WorkerResources }>({
  testbedWorker: [
    // biome-ignore lint/correctness/noEmptyPattern: Vitest reads a fixture's dependencies from its first parameter, which must be a destructuring pattern.
    async ({}, use) => {
      const resources = new WorkerResources()
      await use(resources)
      await resources.close()
    },
    { scope: 'worker' },
  ],
  // `injected`: the default comes from what the plugin provides (testbed.config.ts `isolation`).
  isolation: ['transaction', { injected: true }],
  leakCheck: [true, { injected: true }],
  unhandledHttp: ['error', { injected: true }],
  services: async ({ testbedWorker }, use) => {
    await use(testbedWorker.services('services'))
  },
  isolated: async ({ isolation, leakCheck, testbedWorker, task, skip }, use) => {
    const choice = {
      isolation: isolationOf(task.meta, isolation),
      leakCheck: leakCheckOf(task.meta, leakCheck),
      testId: task.id,
    }
    const held = new Map<string, Promise<Held>>()
    await use(<Value>(name: string) => {
      const unavailable = testbedWorker.unavailable(name)
      if (unavailable) skip(unavailable)
      let state = held.get(name)
      if (!state) {
        state = beginHeld(testbedWorker, name, choice)
        held.set(name, state)
      }
      return state.then(({ value }) => value as Value)
    })
    // A leak error thrown here fails the test; `failed` lets `database` keep a failed test's database.
    const outcome = { failed: task.result?.state === 'fail', testName: task.fullName }
    await endAll(held.values(), outcome, (kept) => (reportMetaOf(task.meta).keptDatabase = kept))
  },
  db: async ({ isolated, testbedWorker }, use) => {
    await use(await isolated<IsolatedDatabase>(testbedWorker.boundTo('db', 'db', 'postgres')))
  },
  redis: async ({ isolated, testbedWorker }, use) => {
    await use(await isolated<Redis>(testbedWorker.boundTo('redis', 'redis', 'redis')))
  },
  firestoreClient: 'firebase-admin',
  firestore: async ({ isolated, testbedWorker, firestoreClient }, use) => {
    const project = await isolated<FirestoreTestProject>(testbedWorker.boundTo('firestore', 'firestore', 'firestore'))
    await use((await project.connect(firestoreClient)).client)
  },
  firestoreProject: async ({ isolated, testbedWorker, firestoreClient }, use) => {
    const project = await isolated<FirestoreTestProject>(
      testbedWorker.boundTo('firestore', 'firestoreProject', 'firestore'),
    )
    const { projectId, url } = await project.connect(firestoreClient)
    await use({ projectId, url, host: new URL(url).host })
  },
  // biome-ignore lint/correctness/noEmptyPattern: Vitest reads a fixture's dependencies from its first parameter.
  http: async ({}, use) => {
    const { createHttpMock } = await import('../../http/mock/http-mock.ts')
    const http = createHttpMock().listen()
    try {
      await use(http)
      await http.verify()
    } finally {
      await http.close()
    }
  },
  // biome-ignore lint/correctness/noEmptyPattern: Vitest reads a fixture's dependencies from its first parameter.
  app: async ({}, _use) => {
    throw missingApp()
  },
  api: async ({ app }, use) => {
    const { createClient } = await import('../../http/client/create-client.ts')
    await use(createClient(app))
  },
  factories: async ({ db, task, onTestFinished }, use) => {
    const { factoriesFor } = await import('../../data/factories/factory-session.ts')
    const session = factoriesFor(db, { key: `${task.file.name} > ${task.fullName}` })
    // Printed only when the test failed after drawing from faker: the seed that replays it.
    onTestFinished(({ task: finished }) => void session.reportSeed(finished.result))
    await use(session)
  },
  rows: async ({ db, testbedWorker }, use) => {
    await use(await testbedWorker.labelledRows(db))
  },
  fixtures: async ({ rows }, use) => {
    await use(rows)
  },
  load: async ({ task }, use) => {
    const { createLoader } = await import('../../data/fixtures/load-fixture.ts')
    await use(createLoader(task.file.filepath))
  },
})

interface Held {
  fixture: ServiceFixture<unknown>
  value: unknown
}

async function beginHeld(worker: WorkerResources, name: string, choice: TestChoice): Promise<Held> {
  const fixture = await worker.fixtureOf(name)
  return { fixture, value: await fixture.begin(choice) }
}

// Every service's state is ended, even when one fails; the first failure then fails the test.
async function endAll(
  held: Iterable<Promise<Held>>,
  outcome: TestOutcome,
  keep: (kept: string) => void,
): Promise<void> {
  const ends = [...held].map(async (state) => {
    // A state that failed to begin failed its test already; there is nothing to end.
    const begun = await state.catch(() => null)
    if (!begun) return
    const { fixture, value } = begun
    const kept = await fixture.end(value, outcome)
    if (kept) keep(kept)
  })
  const failure = (await Promise.allSettled(ends)).find((result) => result.status === 'rejected')
  if (failure) throw failure.reason
}

// Every test runs in an HTTP scope of its own, so the `http` fixture's mocks answer only the
// requests of the test that declared them, even among concurrent tests. Cheap: no interceptor
// is loaded until a test asks for `http`. The scope keeps the network guard the plugin's setup
// file gives integration tests, with the policy `test.override({ unhandledHttp })` picks.
extended.aroundEach(async (runTest, { task, unhandledHttp }) => {
  await runInHttpScope(async () => {
    setGuardPolicy(unhandledHttpOf(task.meta, unhandledHttp))
    await runTest()
  })
})

/**
 * Vitest's `test` with testbed's fixtures: `db`, `redis`, `firestore`, `isolated`, `services`, `http`, `api`, `factories`, `rows`, `load`, and the `isolation` and `leakCheck` options.
 * @example
 * import { expect, test } from 'testbed/vitest'
 * test('stores a user', async ({ db }) => {
 *   await db.query("INSERT INTO users (email) VALUES ('a@example.com')")
 *   expect((await db.query('SELECT count(*)::int AS n FROM users')).rows[0].n).toBe(1)
 * })
 */
export const test = extended as unknown as TestAPI<TestbedFixtures>
/**
 * Alias of `test`.
 * @example
 * it('stores a user', async ({ db }) => db.query("INSERT INTO users (email) VALUES ('a@example.com')"))
 */
export const it = test
