import { execFile } from 'node:child_process'
import { existsSync, readFileSync, realpathSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { type EnvVariable, readEnv } from '../../core/env.ts'
import { findOnPath } from '../../core/executables.ts'
import { findJava, type JavaRuntime, MIN_JAVA } from './java-runtime.ts'

const run = promisify(execFile)

export const FIRESTORE_EMULATOR_JAR: EnvVariable = {
  name: 'TESTBED_FIRESTORE_EMULATOR',
  meaning:
    'The Cloud Firestore emulator jar (`cloud-firestore-emulator.jar`) for the `local` provider of `firestore()`, instead of looking on PATH and in the Google Cloud SDK',
}
export const CLOUDSDK_ROOT_DIR: EnvVariable = {
  name: 'CLOUDSDK_ROOT_DIR',
  meaning:
    'Where the Google Cloud SDK is installed; the `local` provider of `firestore()` looks for the emulator there',
}

const COMPONENT = 'cloud-firestore-emulator'
const JAR_IN_SDK = join('platform', COMPONENT, `${COMPONENT}.jar`)
const LAUNCHER = 'cloud_firestore_emulator'

/** The Cloud Firestore emulator jar and the Java that runs it. */
export interface FirestoreEmulator {
  jar: string
  version: string
  java: JavaRuntime
}

/** Why the emulator cannot run here, in the words `testbed doctor` and the skip line use. */
export interface EmulatorAbsence {
  reason: string
  fix: string
}

/** How to get the emulator, for messages: the Debian package, the gcloud component, or a running one. */
export const EMULATOR_INSTALL_HINT =
  'install it (Debian/Ubuntu: apt-get install google-cloud-cli-firestore-emulator; elsewhere: gcloud components install cloud-firestore-emulator), or set FIRESTORE_EMULATOR_HOST to a running emulator'

/**
 * The emulator jar (TESTBED_FIRESTORE_EMULATOR, the `cloud_firestore_emulator` launcher on PATH,
 * CLOUDSDK_ROOT_DIR, the SDK of the `gcloud` on PATH) and a Java new enough for it; else why not.
 */
export async function findFirestoreEmulator(): Promise<FirestoreEmulator | EmulatorAbsence> {
  const jar = await findEmulatorJar()
  if (!jar) return { reason: absentReason(), fix: EMULATOR_INSTALL_HINT }
  const java = await findJava()
  if (!java) {
    return {
      reason: `no Java on PATH or in JAVA_HOME to run the Firestore emulator at ${jar}`,
      fix: `install Java ${MIN_JAVA} or newer (Debian/Ubuntu: apt-get install default-jre-headless; macOS: brew install openjdk)`,
    }
  }
  if (java.major < MIN_JAVA) {
    return {
      reason: `Java ${java.version} at ${java.path} is too old for the Firestore emulator, which needs Java ${MIN_JAVA} or newer`,
      fix: `install Java ${MIN_JAVA} or newer and put it first on PATH, or point JAVA_HOME at it`,
    }
  }
  return { jar, version: emulatorVersion(jar), java }
}

export function isEmulator(found: FirestoreEmulator | EmulatorAbsence): found is FirestoreEmulator {
  return 'jar' in found
}

function absentReason(): string {
  const explicit = readEnv(FIRESTORE_EMULATOR_JAR)
  if (explicit) return `${FIRESTORE_EMULATOR_JAR.name} names ${explicit}, which does not exist`
  return 'no Cloud Firestore emulator on PATH or in the Google Cloud SDK'
}

async function findEmulatorJar(): Promise<string | null> {
  const explicit = readEnv(FIRESTORE_EMULATOR_JAR)
  if (explicit) return existsSync(explicit) ? explicit : null
  const launcher = findOnPath(LAUNCHER)
  if (launcher && existsSync(join(dirname(realpathSync(launcher)), `${COMPONENT}.jar`))) {
    return join(dirname(realpathSync(launcher)), `${COMPONENT}.jar`)
  }
  for (const root of sdkRoots()) {
    if (existsSync(join(root, JAR_IN_SDK))) return join(root, JAR_IN_SDK)
  }
  const reported = await reportedSdkRoot()
  return reported && existsSync(join(reported, JAR_IN_SDK)) ? join(reported, JAR_IN_SDK) : null
}

// `gcloud` is <sdk>/bin/gcloud behind its symlinks in every install we know (the tarball, the
// Debian package, Homebrew): reading the link costs nothing, `gcloud info` about two seconds.
function sdkRoots(): string[] {
  const roots = [readEnv(CLOUDSDK_ROOT_DIR)].filter((root): root is string => root !== undefined)
  const gcloud = findOnPath('gcloud')
  if (gcloud) roots.push(dirname(dirname(realpathSync(gcloud))))
  return roots
}

async function reportedSdkRoot(): Promise<string | null> {
  const gcloud = findOnPath('gcloud')
  if (!gcloud) return null
  try {
    const { stdout } = await run(gcloud, ['info', '--format=value(installation.sdk_root)'], { timeout: 15_000 })
    return stdout.trim() || null
  } catch {
    return null
  }
}

// The SDK records each component's version beside it; a jar on its own (TESTBED_FIRESTORE_EMULATOR) has none.
function emulatorVersion(jar: string): string {
  const snapshot = join(dirname(dirname(dirname(jar))), '.install', `${COMPONENT}.snapshot.json`)
  try {
    const parsed = JSON.parse(readFileSync(snapshot, 'utf8')) as {
      components?: Array<{ id: string; version?: { version_string?: string } }>
    }
    return parsed.components?.find((component) => component.id === COMPONENT)?.version?.version_string ?? 'unknown'
  } catch {
    return 'unknown'
  }
}
