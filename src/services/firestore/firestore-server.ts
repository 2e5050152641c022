import { join } from 'node:path'
import { beginLocalStart, startOnFreePort, startServer } from '../../providers/local-server.ts'
import type { StartContext, StartedService } from '../../providers/provider.ts'
import { reachableInstall } from '../../providers/reachable-install.ts'
import type { RunAsUser } from '../../providers/run-as-user.ts'
import type { FirestoreEmulator } from './firestore-emulator.ts'
import type { FirestoreOptions } from './firestore-options.ts'
import { probeFirestore } from './firestore-rest.ts'

const MAIN_CLASS = 'com.google.cloud.datastore.emulator.firestore.CloudFirestore'

/**
 * The JVM flags testbed runs the emulator with. `user.language=en`: the emulator only speaks English
 * (its own launcher sets it). No perf data file in /tmp. C1 only and the serial collector: the
 * emulator starts faster and uses less memory on a busy machine (bench/firestore-start.ts measures it).
 */
export const EMULATOR_JVM_FLAGS = [
  '-Duser.language=en',
  '-XX:-UsePerfData',
  '-XX:TieredStopAtLevel=1',
  '-XX:+UseSerialGC',
]

/**
 * Starts a private Cloud Firestore emulator by running its jar with `java` directly: `gcloud emulators
 * firestore start` adds a Python start of gcloud in front of the same process (decisions/0027).
 */
export async function startFirestoreEmulator(
  emulator: FirestoreEmulator,
  options: FirestoreOptions,
  context: StartContext,
): Promise<StartedService> {
  const label = `Firestore emulator ${emulator.version} (local, Java ${emulator.java.version})`
  const local = await beginLocalStart(context, label, options.port)
  const jar = await reachableInstall(emulator.jar, local.runAs)
  const startOn = (port: number) =>
    startOnPort(emulator, options, context, { jar, port, label, serviceDir: local.serviceDir, runAs: local.runAs })
  return startOnFreePort(context, local, options.port, startOn)
}

interface EmulatorPlace {
  jar: string
  port: number
  label: string
  serviceDir: string
  runAs: RunAsUser | null
}

/** The emulator's command line after `java`: JVM flags, the jar, `start`, then testbed's and the user's flags. */
export function emulatorArgs(jar: string, port: number, settings: FirestoreOptions['settings'] = {}): string[] {
  const userFlags = Object.entries(settings).map(([name, value]) => `--${name}=${String(value)}`)
  return [...EMULATOR_JVM_FLAGS, '-cp', jar, MAIN_CLASS, 'start', '--host=127.0.0.1', `--port=${port}`, ...userFlags]
}

async function startOnPort(
  emulator: FirestoreEmulator,
  options: FirestoreOptions,
  context: StartContext,
  place: EmulatorPlace,
): Promise<StartedService> {
  const url = `http://127.0.0.1:${place.port}`
  const handle = await startServer(
    {
      label: place.label,
      serviceName: context.serviceName,
      command: emulator.java.path,
      args: emulatorArgs(place.jar, place.port, options.settings),
      runAs: place.runAs,
      logFile: join(place.serviceDir, 'firestore.log'),
      stopSignal: 'SIGTERM',
      startTimeoutMs: options.startTimeout ?? 60_000,
      isReady: async () => (await probeFirestore(url, 2000)).ok,
      record: { name: context.serviceName, kind: 'firestore', provider: 'local', url, version: emulator.version },
    },
    context.run,
    (log) => log.includes('BindException') || log.includes('Address already in use'),
  )
  return { url, version: emulator.version, handle }
}
