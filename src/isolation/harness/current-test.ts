import type { IsolationName } from '../isolated-database.ts'
import type { HarnessTest, WorkerHarness } from './worker-harness.ts'

/** The test a worker's harness runs now, for the `db` fixture to share instead of beginning its own. */
export interface CurrentHarnessTest {
  readonly harness: WorkerHarness
  test: HarnessTest
  readonly testName: string
  /** The service whose databases the harness serves. */
  readonly service: string
}

// On globalThis: the setup file that begins the test and the fixture that reads it may load this
// module through different module graphs. By test id: concurrent tests each have their own.
const KEY = Symbol.for('testbed.harness.current')
type WithCurrent = typeof globalThis & { [KEY]?: Map<string, CurrentHarnessTest> }

function byTest(): Map<string, CurrentHarnessTest> {
  const shared = globalThis as WithCurrent
  shared[KEY] ??= new Map()
  return shared[KEY]
}

export function currentHarnessTest(testId: string | undefined): CurrentHarnessTest | null {
  return testId === undefined ? null : (byTest().get(testId) ?? null)
}

export function setCurrentHarnessTest(testId: string, current: CurrentHarnessTest | null): void {
  if (current === null) byTest().delete(testId)
  else byTest().set(testId, current)
}

/**
 * The current test under the `db` fixture's choice: the one begun, or — when a file or test asks
 * for another isolation or leak check than it was begun with — begun again with those. Writes made
 * before (in a `beforeEach` that does not use `db`) are undone by the switch.
 */
export async function currentTestUnder(
  current: CurrentHarnessTest,
  choice: { isolation: IsolationName; leakCheck: boolean },
): Promise<HarnessTest> {
  const { test } = current
  const same = (test.isolation === choice.isolation || test.escalation) && test.leakCheck === choice.leakCheck
  if (same) return test
  await current.harness.endTest(test, { failed: false })
  current.test = await current.harness.beginTest(current.testName, test.escalation ? 'database' : choice.isolation, {
    leakCheck: choice.leakCheck,
  })
  return current.test
}
