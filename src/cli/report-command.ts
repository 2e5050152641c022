import { dirname, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { formatDuration } from '../core/duration.ts'
import { browserCommand, openInBrowser } from '../report/open-report.ts'
import { readReport, writePage } from '../report/report-files.ts'
import { runFailed } from '../report/run-report.ts'
import { type CliContext, print } from './cli-context.ts'

/** `testbed report [--no-open]`: rebuilds the last run's HTML report from its data, and opens it in a browser. */
export async function reportCommand(context: CliContext, options: { open: boolean }): Promise<number> {
  const projectDir = context.configFile ? dirname(resolve(context.cwd, context.configFile)) : context.cwd
  const report = readReport(projectDir)
  const page = writePage(report)
  const when = new Date(report.startedAt).toISOString().replace('T', ' ').slice(0, 19)
  const verdict = runFailed(report) ? 'failed' : 'passed'
  const took = formatDuration(report.finishedAt - report.startedAt)
  print(context.stdout, `Report of the run of ${when} UTC (${verdict}, ${report.tests.length} tests, ${took}): ${page}`)
  const browser = options.open ? browserCommand(process.env, process.platform) : null
  if (browser === null) {
    print(context.stdout, `Open ${pathToFileURL(page).href} in a browser.`)
    return 0
  }
  await openInBrowser(browser, page)
  print(context.stdout, `Opened it with ${browser.join(' ')}.`)
  return 0
}
