// The network guard installed while a mock's interceptor is applied (a worker that ran a mocking
// unit test first) keeps interception when that mock closes. Its own file: the guard is process-wide.
import { afterAll, expect, test } from 'vitest'
import { installNetworkGuard, runGuarded, uninstallNetworkGuard } from '../../src/http/guard/network-guard.ts'
import { createHttpMock } from '../../src/public/http.ts'

afterAll(() => uninstallNetworkGuard())

test('a guard installed while a mock listens still fails requests to the network after the mock closes', async () => {
  const mock = createHttpMock().listen()
  installNetworkGuard()
  await mock.close()
  const guarded = runGuarded('error', () => fetch('http://api.example.invalid/after').catch(() => 'caught'))
  await expect(guarded).rejects.toThrow(
    '[testbed] Unhandled outbound request in an integration test: GET http://api.example.invalid/after.',
  )
})
