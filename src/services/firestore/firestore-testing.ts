// The test side of `firestore()`: a project per test. The service layer names this module
// (`siblingFile`) and never imports it; the Vitest integration loads it.
import { TestbedError } from '../../core/errors.ts'
import type { FixtureContext, PrepareContext, Prepared, ServiceFixture, TestedService } from '../service-testing.ts'
import type { FirestoreConnection, FirestoreLibrary } from './firestore-client.ts'
import type { FirestoreOptions } from './firestore-options.ts'
import { FirestoreProjects } from './firestore-projects.ts'
import { emulatorHost } from './firestore-rest.ts'
import { readFirestoreSeed } from './firestore-seed.ts'

/** One test's Firestore project, connected on first ask with the library the test picked (`firestoreClient`). */
export interface FirestoreTestProject {
  connect(library: FirestoreLibrary): Promise<FirestoreConnection>
}

/** Main process: reads and checks the seed files once, so a bad one fails the run before any test. */
export async function prepare(
  _service: TestedService,
  options: FirestoreOptions,
  context: PrepareContext,
): Promise<Prepared> {
  const seeds = options.seeds ?? []
  if (seeds.length > 0) await readFirestoreSeed(seeds, context.projectDir)
  return { info: { data: { seeds } }, built: false }
}

/**
 * Per worker: projects prepared ahead (decisions/0028), the seeds read once. The worker gets
 * FIRESTORE_EMULATOR_HOST (unless set), so a client the app makes itself finds the emulator.
 */
export function createFixture(service: TestedService, context: FixtureContext): ServiceFixture<FirestoreTestProject> {
  process.env.FIRESTORE_EMULATOR_HOST ??= emulatorHost(service.url)
  // Google's auth library otherwise asks the GCE metadata server (169.254.169.254) who it runs as,
  // a request off the machine that the network guard fails, to learn what the emulator never checks.
  process.env.METADATA_SERVER_DETECTION ??= 'none'
  const seeds = (service.data?.seeds as string[] | undefined) ?? []
  const projects = (async () => {
    const seed = seeds.length > 0 ? await readFirestoreSeed(seeds, context.projectDir) : null
    return new FirestoreProjects(service.url, seed)
  })()
  const taken = new WeakMap<FirestoreTestProject, Promise<FirestoreConnection>>()
  return {
    async begin() {
      const project: FirestoreTestProject = {
        connect(library) {
          let connection = taken.get(project)
          if (!connection) {
            connection = projects.then((all) => all.take(library))
            taken.set(project, connection)
          }
          return connection
        },
      }
      return project
    },
    // Closes the test's client and empties its project, off the test's path; listeners left open fail the test.
    async end(project) {
      const connection = await taken.get(project)?.catch(() => null)
      if (!connection) return undefined
      const open = (await projects).release(connection)
      if (open > 0) throw listenersLeftOpen(open)
      return undefined
    },
    async close() {
      await (await projects.catch(() => null))?.close()
    },
  }
}

/** The test ended with listeners still open on its client. */
export function listenersLeftOpen(open: number): TestbedError {
  return new TestbedError('TESTBED_VITEST_FIRESTORE_LISTENERS_OPEN', {
    what: 'The test left Firestore listeners open',
    subject: `${open} onSnapshot ${open === 1 ? 'listener' : 'listeners'}`,
    why: "The `firestore` fixture closes each test's client after it, and a client with listeners open cannot be closed; a listener that outlives its test also runs code after it",
    fix: 'Call the function `onSnapshot` returns before the test ends (`const stop = query.onSnapshot(…)` … `stop()`)',
  })
}
