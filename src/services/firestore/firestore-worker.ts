import { FirestoreProjects } from './firestore-projects.ts'
import { emulatorHost } from './firestore-rest.ts'
import { readFirestoreSeed } from './firestore-seed.ts'

/**
 * One test worker's Firestore: its seeds read once, a project per test on the emulator at `url`.
 * The worker gets FIRESTORE_EMULATOR_HOST (unless it is set already), so a client the app makes
 * itself finds the emulator.
 */
export async function prepareFirestoreWorker(
  url: string,
  seeds: readonly string[],
  projectDir: string,
): Promise<FirestoreProjects> {
  process.env.FIRESTORE_EMULATOR_HOST ??= emulatorHost(url)
  // Google's auth library otherwise asks the GCE metadata server (169.254.169.254) who it runs as,
  // a request off the machine that the network guard fails, to learn what the emulator never checks.
  process.env.METADATA_SERVER_DETECTION ??= 'none'
  const seed = seeds.length > 0 ? await readFirestoreSeed(seeds, projectDir) : null
  return new FirestoreProjects(url, seed)
}
