import type { OutboundCall } from '../http/outbound-log.ts'

/** Everything the HTML report shows about one run: `.testbed/report/report.json`, from which `testbed report` rebuilds the page. */
export interface RunReport {
  version: 1
  /** The project folder's name, and the folder. */
  project: string
  projectDir: string
  testbedVersion: string
  /** Epoch milliseconds: the first of service start and the first test, and the end of the last test. */
  startedAt: number
  finishedAt: number
  /** Whether integration tests were on (`--integration`). */
  integration: boolean
  /** Why the run failed beyond its tests (a strict budget, no test ran), as testbed printed it. */
  runFailures: string[]
  /** testbed's other summary lines, as printed: skipped integration tests, slow tests without the tag. */
  notes: string[]
  services: ReportServices | null
  tests: ReportTest[]
  /** Test files that failed before their tests ran (an import error), with the error. */
  fileErrors: Array<{ file: string; message: string }>
  budgets: ReportBudget[]
  slowThresholdMs: number
}

export interface ReportServices {
  /** False when testbed started nothing, with the reason. */
  started: boolean
  reason: string | null
  attached: boolean
  /** Epoch ms when the services began to start; the templates were built right after them. */
  startedAt: number | null
  servicesMs: number
  templatesMs: number
  templatesBuilt: number
  list: Array<{ name: string; kind: string; provider: string; version: string }>
  unavailable: string[]
}

export interface ReportTest {
  /** Relative to the project. */
  file: string
  name: string
  tags: string[]
  state: 'passed' | 'failed' | 'skipped' | 'pending'
  /** Epoch ms; null for a test that did not run. */
  startTime: number | null
  durationMs: number
  /** The Vitest worker (pool id) that ran it. */
  worker: string | null
  errors: string[]
  /** The leak check's message, when it failed the test. */
  leak: string | null
  /** `psql <url>` of the database kept because the test failed (`keepOnFailure`). */
  keptDatabase: string | null
  http: OutboundCall[]
}

export interface ReportBudget {
  kind: 'unit' | 'integration' | 'total'
  tests: number
  usedMs: number
  budgetMs: number
  over: boolean
  /** The line testbed printed for it. */
  line: string
}

/** Whether the run failed: a test, a file, or one of testbed's own checks. */
export function runFailed(report: RunReport): boolean {
  return (
    report.runFailures.length > 0 ||
    report.fileErrors.length > 0 ||
    report.tests.some((test) => test.state === 'failed')
  )
}
