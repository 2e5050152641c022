import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, expect, test, vi } from 'vitest'
import { tempDir } from '../../../test/test-utils/temp-dir.ts'
import { resolveProvider } from '../resolve-provider.ts'
import { findFirestoreEmulator, isEmulator } from './firestore-emulator.ts'
import { firestore } from './firestore-service.ts'

afterEach(() => {
  vi.unstubAllEnvs()
})

const installed = await findFirestoreEmulator()

test('rejects seeds that are not a list of file paths, when the config declares it', () => {
  expect(() => firestore({ seeds: 'catalog.yaml' as never })).toThrow(
    '[testbed] Invalid option in firestore(): `seeds`.\n' +
      'Expected the `seeds` option to be an array of .json, .yml or .yaml file paths, got `catalog.yaml` (string). ' +
      'Fix `seeds` in testbed.config.ts, or remove it to use the default.',
  )
})

test('rejects a provider firestore() does not have', () => {
  expect(() => firestore({ provider: 'embedded' as never })).toThrow(
    'Expected the `provider` option to be one of `external`, `local`, `docker`, got `embedded` (string).',
  )
})

test.skipIf(!isEmulator(installed))(
  'a forced local provider with a Java too old fails with what, why and the fix',
  async () => {
    const home = tempDir()
    mkdirSync(join(home, 'bin'))
    writeFileSync(join(home, 'bin', 'java'), '#!/bin/sh\necho \'java version "1.8.0_402"\' >&2\n')
    chmodSync(join(home, 'bin', 'java'), 0o755)
    vi.stubEnv('JAVA_HOME', home)
    await expect(resolveProvider('events', firestore({ provider: 'local' }))).rejects.toThrow(
      '[testbed] The Firestore emulator provider forced by the `provider` option is not available for service "events": local.\n' +
        `Java 1.8.0_402 at ${join(home, 'bin', 'java')} is too old for the Firestore emulator, which needs Java 11 or newer. ` +
        'To fix it: install Java 11 or newer and put it first on PATH, or point JAVA_HOME at it; or unset the `provider` option to let testbed choose.\n' +
        'Read more: node_modules/testbed/docs/errors.md#testbed_service_provider_unavailable',
    )
  },
)
