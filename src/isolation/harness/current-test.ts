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
// module through different module graphs.
const KEY = Symbol.for('testbed.harness.current')
type WithCurrent = typeof globalThis & { [KEY]?: CurrentHarnessTest | null }

export function currentHarnessTest(): CurrentHarnessTest | null {
  return (globalThis as WithCurrent)[KEY] ?? null
}

export function setCurrentHarnessTest(current: CurrentHarnessTest | null): void {
  ;(globalThis as WithCurrent)[KEY] = current
}

/**
 * The current test under `isolation`: the one begun, or — when a file or test asks the `db` fixture
 * for another isolation than the one it was begun under — begun again under that one. Writes made
 * before (in a `beforeEach` that does not use `db`) are undone by the switch.
 */
export async function currentTestUnder(current: CurrentHarnessTest, isolation: IsolationName): Promise<HarnessTest> {
  if (current.test.isolation === isolation || current.test.escalation) return current.test
  await current.harness.endTest(current.test, { failed: false, testName: current.testName })
  current.test = await current.harness.beginTest(current.testName, isolation)
  return current.test
}
