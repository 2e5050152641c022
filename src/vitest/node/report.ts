import { formatDuration } from '../../core/duration.ts'
import { isIntegrationTagged } from '../integration-tags.ts'

/** One test of a finished run, reduced to what testbed reports on. */
export interface TestOutcome {
  /** The file relative to the project, then the test's full name. */
  file: string
  name: string
  tags: readonly string[]
  state: 'passed' | 'failed' | 'skipped' | 'pending'
  durationMs: number
}

/** One test file: how long it took, all included (import, setup, tests, hooks). */
export interface FileOutcome {
  file: string
  durationMs: number
  /** True when at least one of its tests ran; files whose tests were all skipped are not timed. */
  ran: boolean
}

export interface BudgetCheck {
  kind: 'unit' | 'integration' | 'total'
  /** How many tests ran that the budget covers. */
  tests: number
  usedMs: number
  budgetMs: number
  over: boolean
}

const ran = (test: TestOutcome) => test.state === 'passed' || test.state === 'failed'

export function countRan(tests: readonly TestOutcome[]): number {
  return tests.filter(ran).length
}

/** Skipped tests carrying `integration` or another of `integrationTags` (testbed.config.ts `integrationTests.tags`). */
export function skippedIntegration(
  tests: readonly TestOutcome[],
  integrationTags: readonly string[] = ['integration'],
): number {
  return tests.filter((test) => test.state === 'skipped' && isIntegrationTagged(test.tags, integrationTags)).length
}

export function slowest(tests: readonly TestOutcome[], count = 5): TestOutcome[] {
  return tests
    .filter(ran)
    .sort((a, b) => b.durationMs - a.durationMs)
    .slice(0, count)
}

/** Tests over the threshold that `-m "not slow"` would still run. */
export function slowUntagged(tests: readonly TestOutcome[], thresholdMs: number): TestOutcome[] {
  return tests.filter((test) => ran(test) && test.durationMs > thresholdMs && !test.tags.includes('slow'))
}

/** Each budget against the summed durations of the tests it covers (`total`: every test). */
export function checkBudgets(
  tests: readonly TestOutcome[],
  budgets: Partial<Record<BudgetCheck['kind'], number>>,
): BudgetCheck[] {
  return Object.entries(budgets).map(([kind, budgetMs]) => {
    const covered = tests.filter((test) => ran(test) && (kind === 'total' || test.tags.includes(kind)))
    const usedMs = covered.reduce((sum, test) => sum + test.durationMs, 0)
    const budget = budgetMs as number
    return { kind: kind as BudgetCheck['kind'], tests: covered.length, usedMs, budgetMs: budget, over: usedMs > budget }
  })
}

export function testLine(test: TestOutcome): string {
  return `  ${formatDuration(test.durationMs).padStart(8)}  ${test.file} > ${test.name}`
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}
