import type { Firestore, GeoPoint } from '@google-cloud/firestore'
import { describeCause, TestbedError } from '../../core/errors.ts'
import { emulatorHost } from './firestore-rest.ts'

/**
 * The client libraries the `firestore` fixture can hand out; both give a `Firestore` of `@google-cloud/firestore`.
 * @example
 * import { FIRESTORE_LIBRARIES } from 'testbed/firestore'
 * for (const library of FIRESTORE_LIBRARIES) {
 *   describe(library, () => {
 *     test.override({ firestoreClient: library })
 *     test('stores a review', async ({ firestore }) => { … })
 *   })
 * }
 */
export const FIRESTORE_LIBRARIES = ['firebase-admin', '@google-cloud/firestore'] as const
export type FirestoreLibrary = (typeof FIRESTORE_LIBRARIES)[number]

/** A Firestore client bound to one project of the emulator at `url`, and how to close it. */
export interface FirestoreConnection {
  client: Firestore
  projectId: string
  /** The emulator's URL: `http://127.0.0.1:8080`. */
  url: string
  library: FirestoreLibrary
  /** The library's GeoPoint class: the client accepts only its own library's. */
  GeoPoint: typeof GeoPoint
  /** Closes the client: its channels, and the listeners (`onSnapshot`) still open on it. */
  close(): Promise<void>
}

type Loader = (specifier: string) => Promise<unknown>
const importModule: Loader = (specifier) => import(specifier)

/**
 * A client of `library` on project `projectId` of the emulator at `url`. The library is imported
 * here, on first use: testbed itself never needs it (an optional peer dependency).
 * @example
 * const { client, close } = await connectFirestore('http://127.0.0.1:8080', 'demo', '@google-cloud/firestore')
 */
export async function connectFirestore(
  url: string,
  projectId: string,
  library: FirestoreLibrary,
  load: Loader = importModule,
): Promise<FirestoreConnection> {
  // A known universe spares google-auth its lookup of the GCE metadata server (a warning and a
  // request off the machine per client) to learn what the emulator never checks.
  const settings = { projectId, host: emulatorHost(url), ssl: false, universeDomain: 'googleapis.com' }
  if (library === '@google-cloud/firestore') {
    const module = (await loadLibrary(library, library, load)) as typeof import('@google-cloud/firestore')
    const client = new module.Firestore(settings)
    return { client, projectId, url, library, GeoPoint: module.GeoPoint, close: () => client.terminate() }
  }
  const app = (await loadLibrary(library, 'firebase-admin/app', load)) as typeof import('firebase-admin/app')
  const store = (await loadLibrary(
    library,
    'firebase-admin/firestore',
    load,
  )) as typeof import('firebase-admin/firestore')
  const firebaseApp = app.initializeApp({ projectId }, `testbed-${projectId}`)
  const client = store.getFirestore(firebaseApp)
  client.settings({ host: settings.host, ssl: false, universeDomain: settings.universeDomain })
  // deleteApp leaves the Firestore client running (firebase-admin 13): terminate it first.
  const close = async () => {
    await client.terminate()
    await app.deleteApp(firebaseApp)
  }
  return { client, projectId, url, library, GeoPoint: store.GeoPoint as typeof GeoPoint, close }
}

async function loadLibrary(library: FirestoreLibrary, specifier: string, load: Loader): Promise<unknown> {
  try {
    return await load(specifier)
  } catch (error) {
    throw new TestbedError(
      'TESTBED_VITEST_FIRESTORE_CLIENT_MISSING',
      {
        what: 'The `firestore` fixture needs a Firestore client library',
        subject: library,
        why: `Importing ${specifier} failed: ${describeCause(error)}`,
        fix: `Install it next to testbed: npm install --save-dev ${library}; or pick the other with \`test.override({ firestoreClient: '${otherLibrary(library)}' })\``,
      },
      { cause: error },
    )
  }
}

function otherLibrary(library: FirestoreLibrary): FirestoreLibrary {
  return library === 'firebase-admin' ? '@google-cloud/firestore' : 'firebase-admin'
}
