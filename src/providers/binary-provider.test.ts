import { expect, test } from 'vitest'
import { silentProgress } from '../core/progress.ts'
import type { Run } from '../core/run-registry.ts'
import { binaryProvider } from './binary-provider.ts'

const missing = binaryProvider({
  name: 'local',
  label: 'Redis',
  find: async () => null,
  describe: () => ({ version: '', detail: '' }),
  missing: () => ({ reason: 'no redis-server on PATH', fix: 'install it (apt-get install redis-server)' }),
  start: async () => {
    throw new Error('never started without binaries')
  },
})

test('detects binaries that are not there as unavailable, with the reason and the fix', async () => {
  expect(await missing.detect()).toEqual({
    available: false,
    reason: 'no redis-server on PATH',
    fix: 'install it (apt-get install redis-server)',
  })
})

test('a start without binaries fails with a TestbedError that says how to get them, not a bare Error', async () => {
  const context = { serviceName: 'cache', run: {} as Run, progress: silentProgress }
  await expect(missing.start(context)).rejects.toMatchObject({
    name: 'TestbedError',
    code: 'TESTBED_SERVICE_PROVIDER_UNAVAILABLE',
    message:
      '[testbed] The Redis provider `local` has no binaries to start service "cache": local.\n' +
      'No redis-server on PATH. To fix it: install it (apt-get install redis-server).\n' +
      'Read more: node_modules/testbed/docs/errors.md#testbed_service_provider_unavailable',
  })
})
