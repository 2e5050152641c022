// A setup file of the projects `unit` and `integration`: every integration test (tagged `integration`
// or with a tag of `integrationTests.tags`), and the hooks of an integration file or describe block,
// run under the network guard, whichever `test` the file imports (testbed/vitest's, Vitest's, or the
// global one). The guard itself is loaded on first use.
import { aroundAll, aroundEach, inject } from 'vitest'
import { runGuarded } from '../../http/guard/network-guard.ts'
import { isIntegrationTask } from './integration-test.ts'
import { unhandledHttpOf } from './unhandled-http-choice.ts'

const configured = inject('unhandledHttp')

// beforeAll / afterAll of an integration file: testbed.config.ts `unhandledHttp` applies.
// biome-ignore lint/correctness/noEmptyPattern: Vitest reads a hook's fixtures from its second parameter, which must be a destructuring pattern.
aroundAll(async (runSuite, {}, suite) => {
  if (!isIntegrationTask(suite)) return runSuite()
  await runGuarded(unhandledHttpOf({}, configured ?? 'error'), runSuite)
})

aroundEach(async (runTest, { task }) => {
  if (!isIntegrationTask(task)) return runTest()
  await runGuarded(unhandledHttpOf(task.meta, configured ?? 'error'), runTest)
})
