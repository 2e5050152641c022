import { randomBytes } from 'node:crypto'
import { connectFirestore, type FirestoreConnection, type FirestoreLibrary } from './firestore-client.ts'
import { resetProject } from './firestore-rest.ts'
import type { FirestoreSeed } from './firestore-seed.ts'
import { writeSeed } from './seed-writer.ts'

/**
 * Projects of one emulator for one worker's tests: each test gets a project no other test (in this
 * worker or another) ever used, with a client bound to it and the seed written in. The next one is
 * prepared while a test runs, and a finished test's client is closed and its project emptied after
 * it, so a test rarely waits for either (decisions/0028, bench/firestore-isolation.ts).
 */
export class FirestoreProjects {
  readonly #url: string
  readonly #seed: FirestoreSeed | null
  // Random per worker: workers (and runs sharing an external emulator) never pick the same project.
  readonly #prefix = `testbed-${randomBytes(4).toString('hex')}`
  #count = 0
  readonly #prepared = new Map<FirestoreLibrary, Promise<FirestoreConnection>>()
  readonly #cleanups = new Set<Promise<void>>()

  constructor(url: string, seed: FirestoreSeed | null = null) {
    this.#url = url
    this.#seed = seed
  }

  /** A client on a fresh, seeded project: the one prepared ahead when there is one. */
  take(library: FirestoreLibrary): Promise<FirestoreConnection> {
    const ready = this.#prepared.get(library) ?? this.#prepare(library)
    const next = this.#prepare(library)
    // Its failure is reported to the test that takes it, not as an unhandled rejection now.
    next.catch(() => {})
    this.#prepared.set(library, next)
    return ready
  }

  /**
   * Closes a test's client and empties its project, without making the test wait. Returns how many
   * `onSnapshot` listeners the test left open: the library refuses to close a client that has some,
   * so that client stays open until the worker ends, on a project no other test ever sees.
   */
  release(connection: FirestoreConnection): number {
    const open = openListeners(connection)
    const close = open > 0 ? Promise.resolve() : connection.close()
    const cleanup = close
      .then(() => resetProject(this.#url, connection.projectId))
      // The project is never used again: a failed cleanup costs the emulator some memory, no test its isolation.
      .catch(() => {})
      .finally(() => this.#cleanups.delete(cleanup))
    this.#cleanups.add(cleanup)
    return open
  }

  /** Waits for the cleanups, and closes the clients prepared ahead. */
  async close(): Promise<void> {
    const prepared = await Promise.allSettled(this.#prepared.values())
    this.#prepared.clear()
    for (const outcome of prepared) if (outcome.status === 'fulfilled') this.release(outcome.value)
    await Promise.all(this.#cleanups)
  }

  async #prepare(library: FirestoreLibrary): Promise<FirestoreConnection> {
    const projectId = `${this.#prefix}-${++this.#count}`
    const connection = await connectFirestore(this.#url, projectId, library)
    try {
      await this.#writeSeed(connection)
      return connection
    } catch (error) {
      await connection.close().catch(() => {})
      throw error
    }
  }

  // The seed's batch opens the client's channel too; without a seed, a first call does, so neither
  // costs the test.
  async #writeSeed(connection: FirestoreConnection): Promise<void> {
    if (this.#seed && this.#seed.size > 0) await writeSeed(connection, this.#seed.writesFor(connection.projectId))
    else await connection.client.listCollections()
  }
}

// `registeredListenersCount` is what `terminate()` itself checks before it refuses; it is not in the typings.
function openListeners(connection: FirestoreConnection): number {
  return (connection.client as unknown as { registeredListenersCount?: number }).registeredListenersCount ?? 0
}
