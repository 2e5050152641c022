import { relative } from 'node:path'
import type { Reporter, TestModule, TestRunEndReason, TestSpecification, Vitest } from 'vitest/node'
import { formatDuration } from '../../core/duration.ts'
import { describeCause } from '../../core/errors.ts'
import { writeReport } from '../../report/report-files.ts'
import type { TestbedSettings } from '../settings.ts'
import type { ShardSummary } from './duration-sequencer.ts'
import { durationsPath, writeDurations } from './durations-file.ts'
import {
  type BudgetCheck,
  checkBudgets,
  countRan,
  type FileOutcome,
  plural,
  skippedIntegration,
  slowest,
  slowUntagged,
  type TestOutcome,
  testLine,
} from './report.ts'
import { type RunSummary, runReportOf } from './run-report-data.ts'
import { runState, type ServicesReport } from './run-state.ts'

const INCLUDE_HINT = 'run `testbed test --integration` (or set TESTBED_INTEGRATION=1) to include them'

/**
 * Reports what testbed adds to a run: start-up time of services and templates, skipped
 * integration tests, the slowest and slow tests, the duration budget; writes
 * `.testbed/durations.json`; fails a run in which no test ran.
 */
export default class TestbedReporter implements Reporter {
  readonly #settings: TestbedSettings
  #vitest: Vitest | undefined

  constructor(settings: TestbedSettings) {
    this.#settings = settings
  }

  onInit(vitest: Vitest): void {
    this.#vitest = vitest
  }

  onTestRunStart(specifications: ReadonlyArray<TestSpecification>): void {
    if (!this.#vitest) return
    // The global setup reads these to decide whether the run needs services.
    const state = runState(this.#vitest)
    state.files = specifications.map((spec) => ({ project: spec.project.name, file: spec.moduleId }))
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, _errors: unknown, reason: TestRunEndReason): void {
    const vitest = this.#vitest
    if (!vitest || reason === 'interrupted' || modules.length === 0) return
    const tests = modules.flatMap((module) => testOutcomes(module, this.#settings.projectDir))
    const budgets = checkBudgets(tests, this.#settings.budgetMs).filter((check) => check.tests > 0)
    const failing = (check: BudgetCheck) => check.over && this.#settings.budgetMode === 'strict'
    const lines = [
      ...this.#servicesLines(runState(vitest).services),
      ...shardLines(runState(vitest).shard),
      ...this.#testLines(tests),
      ...budgets.filter((check) => !failing(check)).map((check) => budgetLine(check, this.#settings)),
      ...this.#writeDurations(vitest, modules),
    ]
    const failures = [
      ...budgets.filter(failing).map((check) => budgetLine(check, this.#settings)),
      ...this.#noTestRan(vitest, modules, tests),
    ]
    const report = { settings: this.#settings, services: runState(vitest).services, runFailures: failures }
    const budgetsWithLines = budgets.map((check) => ({ ...check, line: budgetLine(check, this.#settings) }))
    lines.push(writeRunReport(vitest, modules, { ...report, budgets: budgetsWithLines, notes: this.#notes(tests) }))
    if (lines.length > 0) vitest.logger.log(`\n${lines.join('\n')}`)
    if (failures.length > 0) {
      vitest.logger.error(failures.join('\n'))
      process.exitCode = 1
    }
  }

  #writeDurations(vitest: Vitest, modules: ReadonlyArray<TestModule>): string[] {
    const files = modules.map((module) => fileOutcome(module, this.#settings.projectDir)).filter((file) => file.ran)
    if (files.length === 0) return []
    // Every shard plans from the same file; merging the shards' reports writes it for all of them.
    if (vitest.config.shard)
      return ['testbed: a shard leaves .testbed/durations.json alone; merging the shards’ blob reports updates it.']
    writeDurations(this.#settings.projectDir, files)
    const path = relative(vitest.config.root, durationsPath(this.#settings.projectDir))
    return [`testbed: durations of ${plural(files.length, 'file')} written to ${path}`]
  }

  #noTestRan(vitest: Vitest, modules: ReadonlyArray<TestModule>, tests: readonly TestOutcome[]): string[] {
    // A file that failed to load already fails the run, with its own error.
    if (countRan(tests) > 0 || vitest.config.passWithNoTests || !modules.every((module) => module.ok())) return []
    const skipped = plural(tests.length, 'test')
    return [
      `testbed: no test ran (${skipped} skipped), so the run fails; pass --pass-with-no-tests if that is expected.`,
    ]
  }

  #servicesLines(services: ServicesReport | null): string[] {
    if (services === null) return []
    if (!services.started)
      return this.#settings.integration ? [`testbed: no services started: ${services.reason}.`] : []
    const templates = `templates ready in ${formatDuration(services.templatesMs)} (${services.templatesBuilt} built)`
    if (services.attached) {
      return [
        `testbed: attached to services left running by \`testbed services up\` in ${formatDuration(services.servicesMs)}, ${templates}; charged to no test.`,
      ]
    }
    return [`testbed: services started in ${formatDuration(services.servicesMs)}, ${templates}; charged to no test.`]
  }

  #testLines(tests: readonly TestOutcome[]): string[] {
    const top = slowest(tests)
    const slow = slowUntagged(tests, this.#settings.slowThresholdMs)
    return [
      ...this.#skippedLine(tests),
      ...(top.length > 0 ? ['testbed: slowest tests:', ...top.map(testLine)] : []),
      ...(slow.length > 0 ? [this.#slowHeader(slow.length), ...slow.map(testLine)] : []),
    ]
  }

  /** The lines the HTML report repeats in its summary (it lists the slow tests itself). */
  #notes(tests: readonly TestOutcome[]): string[] {
    const slow = slowUntagged(tests, this.#settings.slowThresholdMs)
    return [...this.#skippedLine(tests), ...(slow.length > 0 ? [this.#slowHeader(slow.length)] : [])]
  }

  #skippedLine(tests: readonly TestOutcome[]): string[] {
    const skipped = skippedIntegration(tests, this.#settings.integrationTags)
    if (skipped === 0 || this.#settings.integration) return []
    return [`testbed: ${plural(skipped, 'integration test')} skipped; ${INCLUDE_HINT}.`]
  }

  #slowHeader(count: number): string {
    const threshold = formatDuration(this.#settings.slowThresholdMs)
    return `testbed: ${plural(count, 'test')} took longer than ${threshold} without the \`slow\` tag (tag them so that \`-m "not slow"\` leaves them out):`
  }
}

/** Writes `.testbed/report/` and says where; a report that cannot be written is a warning, never a failed run. */
function writeRunReport(vitest: Vitest, modules: ReadonlyArray<TestModule>, summary: RunSummary): string {
  try {
    const page = writeReport(runReportOf(modules, summary))
    return `testbed: report written to ${relative(vitest.config.root, page)} (\`npx testbed report\` opens it)`
  } catch (error) {
    return `testbed: could not write the HTML report: ${describeCause(error)}`
  }
}

function shardLines(shard: ShardSummary | null): string[] {
  if (shard === null) return []
  const files = `${shard.files} of ${plural(shard.totalFiles, 'file')}`
  const time = `${formatDuration(shard.expectedMs)} of ${formatDuration(shard.totalMs)} expected`
  const unrecorded =
    shard.unrecorded === 0
      ? ''
      : ` (${plural(shard.unrecorded, 'file')} without a record, each counted as ${formatDuration(shard.estimateMs)})`
  return [`testbed: shard ${shard.index}/${shard.count} by recorded durations: ${files}, ${time}${unrecorded}.`]
}

function budgetLine(check: BudgetCheck, settings: TestbedSettings): string {
  const kind = check.kind === 'total' ? 'all tests' : `${check.kind} tests`
  const used = `${kind} took ${formatDuration(check.usedMs)}`
  const budget = `${formatDuration(check.budgetMs)} of \`budget.${check.kind}\``
  if (!check.over) return `testbed: within budget: ${used} of ${budget}.`
  const consequence =
    settings.budgetMode === 'strict'
      ? 'The run fails (--budget=strict, TESTBED_BUDGET=strict)'
      : 'Speed them up or raise the budget; `testbed test --budget=strict` makes this fail the run'
  return `testbed: over budget: ${used}, more than the ${budget}. ${consequence}.`
}

function testOutcomes(module: TestModule, projectDir: string): TestOutcome[] {
  const file = relative(projectDir, module.moduleId)
  return [...module.children.allTests()].map((test) => ({
    file,
    name: test.fullName,
    tags: test.tags,
    state: test.result().state,
    durationMs: test.diagnostic()?.duration ?? 0,
  }))
}

/** One finished file: its duration all included (import, setup, tests, hooks), as durations.json records it. */
export function fileOutcome(module: TestModule, projectDir: string): FileOutcome {
  const diagnostic = module.diagnostic()
  const durationMs =
    diagnostic.prepareDuration +
    diagnostic.environmentSetupDuration +
    diagnostic.setupDuration +
    diagnostic.collectDuration +
    diagnostic.duration
  const ran = [...module.children.allTests()].some((test) => ['passed', 'failed'].includes(test.result().state))
  return { file: relative(projectDir, module.moduleId), durationMs, ran }
}
