import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { afterEach, expect, test, vi } from 'vitest'
import { tempDir } from '../../../test/test-utils/temp-dir.ts'
import { findOnPath } from '../../core/executables.ts'
import { findFirestoreEmulator } from './firestore-emulator.ts'

afterEach(() => {
  vi.unstubAllEnvs()
})

// A Cloud SDK layout holding the real emulator jar (linked) and its version record.
function sdkWithEmulator(realJar: string): string {
  const root = tempDir()
  const folder = join(root, 'platform', 'cloud-firestore-emulator')
  mkdirSync(folder, { recursive: true })
  symlinkSync(realJar, join(folder, 'cloud-firestore-emulator.jar'))
  mkdirSync(join(root, '.install'))
  const snapshot = { components: [{ id: 'cloud-firestore-emulator', version: { version_string: '9.9.9' } }] }
  writeFileSync(join(root, '.install', 'cloud-firestore-emulator.snapshot.json'), JSON.stringify(snapshot))
  return root
}

const installed = await findFirestoreEmulator()
const realJar = 'jar' in installed ? installed.jar : null

test('says how to get the emulator when neither PATH nor CLOUDSDK_ROOT_DIR leads to one', async () => {
  vi.stubEnv('PATH', tempDir())
  vi.stubEnv('CLOUDSDK_ROOT_DIR', tempDir())
  vi.stubEnv('TESTBED_FIRESTORE_EMULATOR', '')
  expect(await findFirestoreEmulator()).toEqual({
    reason: 'no Cloud Firestore emulator on PATH or in the Google Cloud SDK',
    fix: 'install it (Debian/Ubuntu: apt-get install google-cloud-cli-firestore-emulator; elsewhere: gcloud components install cloud-firestore-emulator), or set FIRESTORE_EMULATOR_HOST to a running emulator',
  })
})

test('names TESTBED_FIRESTORE_EMULATOR when it points at no file', async () => {
  vi.stubEnv('TESTBED_FIRESTORE_EMULATOR', '/nowhere/emulator.jar')
  expect(await findFirestoreEmulator()).toMatchObject({
    reason: 'TESTBED_FIRESTORE_EMULATOR names /nowhere/emulator.jar, which does not exist',
  })
})

test.skipIf(realJar === null)(
  'finds the emulator and its version under CLOUDSDK_ROOT_DIR, without gcloud on PATH',
  async () => {
    const java = findOnPath('java') ?? ''
    const root = sdkWithEmulator(realJar ?? '')
    vi.stubEnv('PATH', dirname(java))
    vi.stubEnv('CLOUDSDK_ROOT_DIR', root)
    vi.stubEnv('TESTBED_FIRESTORE_EMULATOR', '')
    const found = await findFirestoreEmulator()
    expect(found).toMatchObject({ jar: join(root, 'platform/cloud-firestore-emulator/cloud-firestore-emulator.jar') })
    expect(found).toMatchObject({ version: '9.9.9' })
  },
)

test.skipIf(realJar === null)('refuses a Java older than 11, naming its version and what to do', async () => {
  // A JAVA_HOME whose java reports Java 8, as an old JDK does: the check reads only `java -version`.
  const home = tempDir()
  mkdirSync(join(home, 'bin'))
  writeFileSync(join(home, 'bin', 'java'), '#!/bin/sh\necho \'java version "1.8.0_402"\' >&2\n')
  chmodSync(join(home, 'bin', 'java'), 0o755)
  vi.stubEnv('JAVA_HOME', home)
  vi.stubEnv('TESTBED_FIRESTORE_EMULATOR', realJar ?? '')
  expect(await findFirestoreEmulator()).toEqual({
    reason: `Java 1.8.0_402 at ${join(home, 'bin', 'java')} is too old for the Firestore emulator, which needs Java 11 or newer`,
    fix: 'install Java 11 or newer and put it first on PATH, or point JAVA_HOME at it',
  })
})

test.skipIf(realJar === null)('says Java is missing when the emulator is there but no java is', async () => {
  vi.stubEnv('PATH', tempDir())
  vi.stubEnv('JAVA_HOME', '')
  vi.stubEnv('TESTBED_FIRESTORE_EMULATOR', realJar ?? '')
  expect(await findFirestoreEmulator()).toEqual({
    reason: `no Java on PATH or in JAVA_HOME to run the Firestore emulator at ${realJar}`,
    fix: 'install Java 11 or newer (Debian/Ubuntu: apt-get install default-jre-headless; macOS: brew install openjdk)',
  })
})
