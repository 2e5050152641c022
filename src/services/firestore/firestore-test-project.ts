import { TestbedError } from '../../core/errors.ts'
import type { FirestoreConnection, FirestoreLibrary } from './firestore-client.ts'
import type { FirestoreProjects } from './firestore-projects.ts'

/**
 * What the `firestore` fixture does around one test: a client of `library` on a fresh, seeded
 * project, then (after the test) the client closed and the project emptied, off the test's path.
 * A test that left `onSnapshot` listeners open fails: its client cannot be closed.
 */
export async function useFirestoreProject(
  projects: FirestoreProjects,
  library: FirestoreLibrary,
  use: (connection: FirestoreConnection) => Promise<void>,
): Promise<void> {
  const connection = await projects.take(library)
  await use(connection)
  const open = projects.release(connection)
  if (open > 0) throw listenersLeftOpen(open)
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
