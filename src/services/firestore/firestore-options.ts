import { invalidOption } from '../../core/options.ts'
import { type ServerOptions, validateServerOptions } from '../../providers/server-options.ts'

/** The providers of `firestore()`, in resolution order: what its `provider` option accepts. */
export const FIRESTORE_PROVIDERS = ['external', 'local', 'docker'] as const

/** Options of `firestore()`. */
export interface FirestoreOptions extends ServerOptions<(typeof FIRESTORE_PROVIDERS)[number]> {
  /**
   * Emulator flags passed as `--name=value` (`cloud-firestore-emulator start --help` lists them).
   * @example { rules: 'firestore.rules' }
   * @default {}
   */
  settings?: Record<string, string | number | boolean>
  /**
   * The URL of a running emulator (`http://127.0.0.1:8080`) to use instead of starting one;
   * `FIRESTORE_EMULATOR_HOST` (`127.0.0.1:8080`) and `TESTBED_FIRESTORE_URL` do the same.
   * @default undefined
   */
  url?: string
  /**
   * JSON or YAML files of documents (collections, subcollections, ids, timestamps, references),
   * relative to the project, written into each test's project before the test (docs/firestore.md).
   * @example ['test/fixtures/firestore/catalog.yaml']
   * @default []
   */
  seeds?: string[]
}

const WHERE = 'firestore()'

export function validateFirestoreOptions(options: FirestoreOptions): void {
  validateServerOptions(WHERE, options, FIRESTORE_PROVIDERS, ['seeds'])
  const seeds = options.seeds
  if (seeds !== undefined && !(Array.isArray(seeds) && seeds.every((seed) => typeof seed === 'string' && seed))) {
    throw invalidOption(WHERE, 'seeds', 'an array of .json, .yml or .yaml file paths', seeds)
  }
}
