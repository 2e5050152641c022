// A setup file of integration tests: before the test file is imported, DATABASE_URL and the PG*
// variables point at this worker's endpoint, which serves the current test's database under every
// isolation; every integration test (global `it` too, with its beforeEach/afterEach) runs in its own
// state, undone after it. The `db` fixture shares that state. Unit files load nothing of this.
import { afterAll, aroundEach, inject, TestRunner } from 'vitest'
import type { IsolationSetting } from '../../core/config.ts'
import { processWide } from '../../core/process-wide.ts'
import { redactUrl } from '../../core/redact.ts'
import type { WorkerHarness } from '../../isolation/harness/worker-harness.ts'
import { RUN_KEY, SETTINGS_KEY, type ServiceInfo } from '../provided.ts'
import { reportMetaOf } from '../report-meta.ts'
import { harnessOptions, type TestbedSettings } from '../settings.ts'
import { isIntegrationTask, mayHoldIntegrationTests } from './integration-test.ts'
import { isolationOf, leakCheckOf } from './isolation-choice.ts'

const file = TestRunner.getCurrentSuite().file
const service = postgresService()

if (mayHoldIntegrationTests(file) && service) {
  const { setCurrentHarnessTest } = await import('../../isolation/harness/current-test.ts')
  const settings = inject(SETTINGS_KEY)
  const harness = await workerHarness(service, settings)
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
}

/**
 * The worker's harness, made by its first integration file and closed when Vitest stops the worker.
 * Files share a worker process when isolation is off (the integration project's default), and with
 * it the module cache: a pool the app made at import from `DATABASE_URL` keeps the URL of the first
 * file's endpoint, which must therefore live as long as the process.
 */
function workerHarness(service: ServiceInfo, settings: TestbedSettings): Promise<WorkerHarness> {
  const onWorkerStop = workerCleanup()
  if (onWorkerStop === undefined) return harnessForThisFile(service, settings)
  return processWide('vitest.worker-harness', async () => {
    const harness = await createHarness(service, settings)
    onWorkerStop(() => harness.close())
    return harness
  })
}

// Vitest's worker-scoped fixtures are torn down through this hook of the worker state; a pool
// without it (vmThreads, vmForks) gets a harness per file, closed after the file.
function workerCleanup(): ((listener: () => unknown) => void) | undefined {
  const state = (globalThis as { __vitest_worker__?: { onCleanup?: (listener: () => unknown) => void } })
    .__vitest_worker__
  return state?.onCleanup
}

async function harnessForThisFile(service: ServiceInfo, settings: TestbedSettings): Promise<WorkerHarness> {
  const harness = await createHarness(service, settings)
  afterAll(() => harness.close())
  return harness
}

async function createHarness(service: ServiceInfo, settings: TestbedSettings): Promise<WorkerHarness> {
  const { createWorkerHarness } = await import('../../isolation/harness/worker-harness.ts')
  return createWorkerHarness(await harnessOptions(service, settings))
}

/** The PostgreSQL service `db` binds to, when the run started one. */
function postgresService() {
  const run = inject(RUN_KEY)
  const name = run?.fixtures?.db
  return name === undefined ? undefined : run?.services[name]
}
