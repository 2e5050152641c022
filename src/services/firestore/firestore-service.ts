import { type EnvVariable, readEnv } from '../../core/env.ts'
import { siblingFile } from '../../core/sibling-file.ts'
import { binaryProvider } from '../../providers/binary-provider.ts'
import { dockerProvider } from '../../providers/container/docker-provider.ts'
import type { Provider } from '../../providers/provider.ts'
import { configuredImage, externalUrl, kindExternalProvider, type ServiceDefinition } from '../service-definition.ts'
import { FIRESTORE_CONTAINER } from './firestore-container.ts'
import {
  CLOUDSDK_ROOT_DIR,
  EMULATOR_INSTALL_HINT,
  type EmulatorAbsence,
  FIRESTORE_EMULATOR_JAR,
  type FirestoreEmulator,
  findFirestoreEmulator,
  isEmulator,
} from './firestore-emulator.ts'
import { type FirestoreOptions, validateFirestoreOptions } from './firestore-options.ts'
import { FIRESTORE_CI, FIRESTORE_INSTALL } from './firestore-recipes.ts'
import { emulatorHost, probeFirestore } from './firestore-rest.ts'
import { startFirestoreEmulator } from './firestore-server.ts'

export const FIRESTORE_EMULATOR_HOST: EnvVariable = {
  name: 'FIRESTORE_EMULATOR_HOST',
  meaning:
    'The `host:port` of a running Firestore emulator: when set before a run, `firestore()` uses it (`external` provider); testbed sets it in test workers to the emulator it runs, so Firestore clients made by the app find it',
}

/**
 * Declares a Cloud Firestore service: the emulator at `FIRESTORE_EMULATOR_HOST` when set, otherwise a
 * private emulator testbed starts from the Google Cloud CLI's. Each test gets a project of its own.
 * @example
 * export default defineConfig({ services: { db: postgres(), firestore: firestore({ seeds: ['test/fixtures/catalog.yaml'] }) } })
 */
export function firestore(options: FirestoreOptions = {}): ServiceDefinition<FirestoreOptions> {
  validateFirestoreOptions(options)
  return {
    kind: 'firestore',
    label: 'Firestore emulator',
    options,
    variables: [FIRESTORE_EMULATOR_HOST, FIRESTORE_EMULATOR_JAR, CLOUDSDK_ROOT_DIR],
    // A suite runs without Firestore: its tests are skipped on a machine without the emulator or Java.
    optional: { hint: `To get it: ${EMULATOR_INSTALL_HINT}; \`npx testbed doctor\` says what is missing` },
    // Clients find the emulator by this variable, which is `host:port`, not a URL.
    exports: (service) => ({ [FIRESTORE_EMULATOR_HOST.name]: emulatorHost(service.url) }),
    testing: { module: siblingFile(import.meta.url, './firestore-testing'), fixture: 'firestore' },
    container: FIRESTORE_CONTAINER,
    ci: FIRESTORE_CI,
    install: FIRESTORE_INSTALL,
    providers: (serviceName) => [
      kindExternalProvider({
        kind: 'firestore',
        label: 'Firestore emulator',
        serviceName,
        optionUrl: options.url,
        probe: (url) => probeFirestore(url),
        source: externalSource(serviceName, options),
        envName: FIRESTORE_EMULATOR_HOST.name,
      }),
      localProvider(options),
      dockerProvider(FIRESTORE_CONTAINER, { ...options, image: configuredImage('firestore', options.image) }),
    ],
  }
}

function externalSource(serviceName: string, options: FirestoreOptions): { url: string; from: string } | null {
  const given = externalUrl('firestore', serviceName, options.url)
  if (given) return given
  const host = readEnv(FIRESTORE_EMULATOR_HOST)
  return host ? { url: `http://${host}`, from: FIRESTORE_EMULATOR_HOST.name } : null
}

function localProvider(options: FirestoreOptions): Provider {
  let absence: EmulatorAbsence | null = null
  return binaryProvider<FirestoreEmulator>({
    name: 'local',
    label: 'Firestore emulator',
    find: async () => {
      const found = await findFirestoreEmulator()
      if (isEmulator(found)) return found
      absence = found
      return null
    },
    describe: (found) => ({
      version: found.version,
      detail: `emulator ${found.version} at ${found.jar}, Java ${found.java.version} at ${found.java.path}`,
    }),
    missing: () => absence ?? { reason: 'the Firestore emulator was not looked for', fix: 'run again' },
    start: (found, context) => startFirestoreEmulator(found, options, context),
  })
}
