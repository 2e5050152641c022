// A setup file of integration tests: before the test file is imported, DATABASE_URL and the PG*
// variables point at this worker's endpoint, which serves the current test's database under every
// isolation; every integration test (global `it` too, with its beforeEach/afterEach) runs in its own
// state, undone after it. The `db` fixture shares that state. Unit files load nothing of this.
import { afterAll, aroundEach, inject, TestRunner } from 'vitest'
import type { IsolationSetting } from '../../core/config.ts'
import { redactUrl } from '../../core/redact.ts'
import { RUN_KEY, SETTINGS_KEY } from '../provided.ts'
import { reportMetaOf } from '../report-meta.ts'
import { harnessOptions } from '../settings.ts'
import { isIntegrationTask, mayHoldIntegrationTests } from './integration-test.ts'
import { isolationOf, leakCheckOf } from './isolation-choice.ts'

const file = TestRunner.getCurrentSuite().file
const service = postgresService()

if (mayHoldIntegrationTests(file) && service) {
  const { createWorkerHarness } = await import('../../isolation/harness/worker-harness.ts')
  const { setCurrentHarnessTest } = await import('../../isolation/harness/current-test.ts')
  const settings = inject(SETTINGS_KEY)
  const harness = await createWorkerHarness(await harnessOptions(service, settings))
  Object.assign(process.env, harness.env)

  aroundEach(async (runTest, { task }) => {
    if (!isIntegrationTask(task)) return runTest()
    const testName = `${task.file.name} > ${task.fullName}`
    const isolation = isolationOf(task.meta, inject('isolation') as IsolationSetting)
    const leakCheck = leakCheckOf(task.meta, inject('leakCheck'))
    const test = await harness.beginTest(testName, isolation, { leakCheck })
    const current = { harness, test, testName, service: service.name }
    setCurrentHarnessTest(task.id, current)
    try {
      await runTest()
    } finally {
      setCurrentHarnessTest(task.id, null)
      const failed = task.result?.state === 'fail'
      // A leak, or a statement `transaction` refused, fails the test here.
      await harness.endTest(current.test, { failed, testName: task.fullName })
      if (failed && current.test.isolation === 'database' && settings.keepOnFailure) {
        reportMetaOf(task.meta).keptDatabase = `psql ${redactUrl(current.test.db.url)}`
      }
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
