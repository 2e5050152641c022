import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describeCause, TestbedError } from '../core/errors.ts'
import { renderReport } from './render-report.ts'
import type { RunReport } from './run-report.ts'

/** `.testbed/report` in the project: `index.html`, and `report.json` it is rendered from. */
export function reportDir(projectDir: string): string {
  return join(projectDir, '.testbed', 'report')
}

export function reportPage(projectDir: string): string {
  return join(reportDir(projectDir), 'index.html')
}

/** Writes the run's data and its page; returns the page's path. */
export function writeReport(report: RunReport): string {
  const dir = reportDir(report.projectDir)
  mkdirSync(dir, { recursive: true })
  writeAtomically(join(dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`)
  return writePage(report)
}

/** Renders `report` into `index.html` again. */
export function writePage(report: RunReport): string {
  const page = reportPage(report.projectDir)
  writeAtomically(page, renderReport(report))
  return page
}

/** The data of the last run of the project; a TestbedError when there is none or it cannot be read. */
export function readReport(projectDir: string): RunReport {
  const file = join(reportDir(projectDir), 'report.json')
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw noReport(file)
    throw unreadable(file, describeCause(error))
  }
  const report = parse(text)
  if (report?.version !== 1) throw unreadable(file, 'it is not a report this version of testbed wrote')
  return { ...report, projectDir }
}

function parse(text: string): RunReport | null {
  try {
    return JSON.parse(text) as RunReport
  } catch {
    return null
  }
}

// Write then rename: a browser reloading the page, or a CI step copying it, never sees half a file.
function writeAtomically(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`
  writeFileSync(temporary, text)
  renameSync(temporary, path)
}

function noReport(file: string): TestbedError {
  return new TestbedError('TESTBED_REPORT_NOT_FOUND', {
    what: 'No report to show',
    subject: file,
    why: 'testbed writes it after every run of `testbed test` (or of Vitest with the testbed() plugin), and no run has written one in this project yet',
    fix: 'Run the tests first: `npx testbed test`',
  })
}

function unreadable(file: string, why: string): TestbedError {
  return new TestbedError('TESTBED_REPORT_UNREADABLE', {
    what: 'Cannot read the last run’s report data',
    subject: file,
    why: `It cannot be used: ${why}`,
    fix: 'Run the tests again to write a new one: `npx testbed test`',
  })
}
