// A setup file of the projects `unit` and `integration`: every test tagged `integration`, and the
// hooks of an integration file, run under the network guard, whichever `test` the file imports
// (testbed/vitest's, Vitest's, or the global one). The guard itself is loaded on first use.
import { aroundAll, aroundEach, inject } from 'vitest'
import { runGuarded } from '../../http/guard/network-guard.ts'
import { unhandledHttpOf } from './unhandled-http-choice.ts'

const INTEGRATION = 'integration'
const configured = inject('unhandledHttp')

// beforeAll / afterAll of an integration file: testbed.config.ts `unhandledHttp` applies.
// biome-ignore lint/correctness/noEmptyPattern: Vitest reads a hook's fixtures from its second parameter, which must be a destructuring pattern.
aroundAll(async (runSuite, {}, suite) => {
  if (!suite.tags?.includes(INTEGRATION)) return runSuite()
  await runGuarded(unhandledHttpOf({}, configured ?? 'error'), runSuite)
})

aroundEach(async (runTest, { task }) => {
  if (!task.tags?.includes(INTEGRATION)) return runTest()
  await runGuarded(unhandledHttpOf(task.meta, configured ?? 'error'), runTest)
})
