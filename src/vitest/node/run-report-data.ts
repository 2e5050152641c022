import { basename, relative } from 'node:path'
import { stripVTControlCharacters } from 'node:util'
import type { SerializedError, TestCase, TestModule } from 'vitest/node'
import { testbedVersion } from '../../isolation/templates/template-hash.ts'
import type { ReportBudget, ReportServices, ReportTest, RunReport } from '../../report/run-report.ts'
import type { TestbedSettings } from '../settings.ts'
import type { ServicesReport } from './run-state.ts'

/** What the reporter knows at the end of a run, besides Vitest's modules. */
export interface RunSummary {
  settings: TestbedSettings
  services: ServicesReport | null
  budgets: ReportBudget[]
  runFailures: string[]
  notes: string[]
}

// The code of the error the leak check fails a test with (src/isolation/leak-check/leak-error.ts).
const LEAK_CODE = 'TESTBED_ISOLATION_LEAK'

/** The run as report data: every test with its timing, worker, errors, leaks, kept database and outbound HTTP. */
export function runReportOf(modules: ReadonlyArray<TestModule>, summary: RunSummary): RunReport {
  const { projectDir } = summary.settings
  // Vitest lists modules in the order they finished; by file, the report reads the same every run.
  const byFile = [...modules].sort((a, b) => a.moduleId.localeCompare(b.moduleId))
  const tests = byFile.flatMap((module) => [...module.children.allTests()].map((test) => reportTest(test, projectDir)))
  const services = summary.services ? reportServices(summary.services) : null
  const starts = [
    ...tests.flatMap((test) => test.startTime ?? []),
    ...(services?.startedAt ? [services.startedAt] : []),
  ]
  const ends = tests.flatMap((test) => (test.startTime === null ? [] : [test.startTime + test.durationMs]))
  const now = Date.now()
  return {
    version: 1,
    project: basename(projectDir),
    projectDir,
    testbedVersion: testbedVersion(),
    startedAt: starts.length > 0 ? Math.min(...starts) : now,
    finishedAt: ends.length > 0 ? Math.max(...ends) : now,
    integration: summary.settings.integration,
    runFailures: summary.runFailures,
    notes: summary.notes,
    services,
    tests,
    fileErrors: modules.flatMap((module) =>
      module.errors().map((error) => ({ file: relative(projectDir, module.moduleId), message: errorText(error) })),
    ),
    budgets: summary.budgets,
    slowThresholdMs: summary.settings.slowThresholdMs,
  }
}

function reportTest(test: TestCase, projectDir: string): ReportTest {
  const errors = test.result().errors ?? []
  const meta = test.meta().testbedReport ?? {}
  const diagnostic = test.diagnostic()
  const leak = errors.find((error) => (error as { code?: unknown }).code === LEAK_CODE)
  return {
    file: relative(projectDir, test.module.moduleId),
    name: test.fullName,
    tags: [...test.tags],
    state: test.result().state,
    startTime: diagnostic?.startTime ?? null,
    durationMs: diagnostic?.duration ?? 0,
    worker: meta.worker ?? null,
    errors: errors.map(errorText),
    leak: leak ? errorText(leak) : null,
    keptDatabase: meta.keptDatabase ?? null,
    http: meta.http ?? [],
  }
}

function reportServices(services: ServicesReport): ReportServices {
  return {
    started: services.started,
    reason: services.reason,
    attached: services.attached,
    startedAt: services.startedAt ?? null,
    servicesMs: services.servicesMs,
    templatesMs: services.templatesMs,
    templatesBuilt: services.templatesBuilt,
    list: services.services ?? [],
    unavailable: services.unavailable ?? [],
  }
}

function errorText(error: SerializedError & { diff?: unknown }): string {
  const message = `${error.name && !error.message.startsWith('[testbed]') ? `${error.name}: ` : ''}${error.message}`
  const diff = typeof error.diff === 'string' ? `\n\n${error.diff}` : ''
  return stripVTControlCharacters(`${message}${diff}`)
}
