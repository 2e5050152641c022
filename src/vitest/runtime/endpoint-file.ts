// A setup file of integration tests: before the test file is imported, DATABASE_URL and the PG*
// variables point at this worker's endpoint, which serves the current test's database under every
// isolation; every integration test (global `it` too, with its beforeEach/afterEach) runs in its own
// state, undone after it. The `db` fixture shares that state. Unit files load nothing of this.
import { afterAll, aroundEach, inject, TestRunner } from 'vitest'
import type { IsolationSetting } from '../../core/config.ts'
import { RUN_KEY, SETTINGS_KEY } from '../provided.ts'
import { harnessOptions } from '../settings.ts'
import { isolationOf } from './isolation-choice.ts'

const INTEGRATION = 'integration'
const file = TestRunner.getCurrentSuite().file
const service = postgresService()

if (file?.tags?.includes(INTEGRATION) && service) {
  const { createWorkerHarness } = await import('../../isolation/harness/worker-harness.ts')
  const { setCurrentHarnessTest } = await import('../../isolation/harness/current-test.ts')
  const harness = await createWorkerHarness(await harnessOptions(service, inject(SETTINGS_KEY)))
  Object.assign(process.env, harness.env)

  aroundEach(async (runTest, { task }) => {
    if (!task.tags?.includes(INTEGRATION)) return runTest()
    const testName = `${task.file.name} > ${task.fullName}`
    const isolation = isolationOf(task.meta, inject('isolation') as IsolationSetting)
    const current = { harness, test: await harness.beginTest(testName, isolation), testName, service: service.name }
    setCurrentHarnessTest(current)
    try {
      await runTest()
    } finally {
      setCurrentHarnessTest(null)
      // A leak, or a statement `transaction` refused, fails the test here.
      await harness.endTest(current.test, { failed: task.result?.state === 'fail', testName })
    }
  })

  afterAll(() => harness.close())
}

/** The PostgreSQL service `db` binds to, when the run started one. */
function postgresService() {
  const run = inject(RUN_KEY)
  const name = run?.fixtures?.db
  return name === undefined ? undefined : run?.services[name]
}
