import { formatDuration } from '../core/duration.ts'
import type { OutboundCall } from '../http/outbound-log.ts'
import type { ReportServices, ReportTest, RunReport } from './run-report.ts'
import { escapeHtml, html, SafeHtml } from './safe-html.ts'

const SLOWEST = 10

function section(id: string, title: string, body: unknown): SafeHtml {
  return html`<section aria-labelledby="${id}"><h2 id="${id}">${title}</h2>${body}</section>
`
}

/** A line testbed printed, as HTML: without its `testbed: ` prefix or a closing colon, with `code` in code. */
function printedLine(line: string): SafeHtml {
  const text = escapeHtml(line.replace(/^testbed: /, '').replace(/:$/, '.'))
  return new SafeHtml(text.replace(/`([^`]+)`/g, '<code>$1</code>'))
}

const ran = (test: ReportTest) => test.state === 'passed' || test.state === 'failed'
const testName = (test: ReportTest) => html`<span class="file">${test.file} &gt;</span> ${test.name}`

/** Counts, times, services, budget lines and testbed's notes: all of it plain HTML. */
export function summarySection(report: RunReport): SafeHtml {
  const count = (state: ReportTest['state']) => report.tests.filter((test) => test.state === state).length
  const summed = report.tests.filter(ran).reduce((sum, test) => sum + test.durationMs, 0)
  const lines = [...report.runFailures, ...report.notes, ...(report.services?.unavailable ?? [])]
  return section(
    'summary',
    'Summary',
    html`<dl class="summary">
<dt>Tests</dt><dd>${count('passed')} passed, ${count('failed')} failed, ${count('skipped') + count('pending')} skipped (${report.tests.length} in all)</dd>
<dt>Time</dt><dd>${formatDuration(report.finishedAt - report.startedAt)} from the first service start to the last test; ${formatDuration(summed)} of test time</dd>
<dt>Services</dt><dd>${describeServices(report.services)}</dd>
<dt>Budget</dt><dd>${report.budgets.length === 0 ? html`none set (<code>budget</code> in testbed.config.ts)` : report.budgets.map((budget) => html`<span class="${budget.over ? 'over' : 'within'}">${printedLine(budget.line)}</span> `)}</dd>
</dl>
${lines.length > 0 ? html`<ul class="notes">${lines.map((line) => html`<li>${printedLine(line)}</li>`)}</ul>` : ''}`,
  )
}

function describeServices(services: ReportServices | null): unknown {
  if (services === null || !services.started) return `none started${services?.reason ? `: ${services.reason}` : ''}`
  const list = services.list.map(
    (service) => `${service.name} (${service.kind} ${service.version}, ${service.provider})`,
  )
  const verb = services.attached ? 'attached to' : 'started'
  return `${list.join(', ')} ${verb} in ${formatDuration(services.servicesMs)}; templates ready in ${formatDuration(services.templatesMs)} (${services.templatesBuilt} built); charged to no test`
}

/** Each failed test with its errors and the `psql` line of its kept database; files that failed to load. */
export function failuresSection(report: RunReport): SafeHtml {
  const failed = report.tests.filter((test) => test.state === 'failed')
  if (failed.length === 0 && report.fileErrors.length === 0)
    return section('failures', 'Failures', html`<p>No test failed.</p>`)
  const files = report.fileErrors.map(
    (file) => html`<article class="failure"><h3>${file.file}</h3><pre>${file.message}</pre></article>`,
  )
  const tests = failed.map(
    (
      test,
    ) => html`<article class="failure"><h3>${testName(test)}</h3>${test.errors.map((error) => html`<pre>${error}</pre>`)}
${test.keptDatabase ? html`<p>Its database was kept: <code>${test.keptDatabase}</code></p>` : ''}</article>`,
  )
  return section('failures', `Failures (${failed.length + report.fileErrors.length})`, [files, tests])
}

/** Tests the leak check failed, with what leaked. */
export function leaksSection(report: RunReport): SafeHtml {
  const leaked = report.tests.filter((test) => test.leak !== null)
  if (leaked.length === 0) return section('leaks', 'Leaks', html`<p>No test left changes behind its isolation.</p>`)
  const items = leaked.map(
    (test) => html`<article class="leak"><h3>${testName(test)}</h3><pre>${test.leak}</pre></article>`,
  )
  return section('leaks', `Leaks (${leaked.length})`, items)
}

export function slowestSection(report: RunReport): SafeHtml {
  const slowest = report.tests
    .filter(ran)
    .sort((a, b) => b.durationMs - a.durationMs)
    .slice(0, SLOWEST)
  if (slowest.length === 0) return section('slowest', 'Slowest tests', html`<p>No test ran.</p>`)
  const rows = slowest.map(
    (test) =>
      html`<tr><td class="number">${formatDuration(test.durationMs)}</td><td>${testName(test)}</td><td>${test.worker ?? ''}</td></tr>`,
  )
  return section(
    'slowest',
    'Slowest tests',
    html`<table><thead><tr><th scope="col" class="number">Time</th><th scope="col">Test</th><th scope="col">Worker</th></tr></thead><tbody>${rows}</tbody></table>`,
  )
}

/** Every outbound HTTP request, by test, with what answered it. */
export function httpSection(report: RunReport): SafeHtml {
  const calling = report.tests.filter((test) => test.http.length > 0)
  if (calling.length === 0)
    return section('http', 'Outbound HTTP', html`<p>No test sent a request off this machine.</p>`)
  const rows = calling.flatMap((test) =>
    test.http.map(
      (call, index) =>
        html`<tr>${index === 0 ? html`<th scope="rowgroup" rowspan="${test.http.length}">${testName(test)}</th>` : ''}<td><code>${call.method} ${call.url}</code></td><td class="${call.outcome}">${describeCall(call)}</td></tr>`,
    ),
  )
  const total = calling.reduce((sum, test) => sum + test.http.length, 0)
  return section(
    'http',
    `Outbound HTTP (${total} request${total === 1 ? '' : 's'} from ${calling.length} test${calling.length === 1 ? '' : 's'})`,
    html`<table><thead><tr><th scope="col">Test</th><th scope="col">Request</th><th scope="col">Answer</th></tr></thead><tbody>${rows}</tbody></table>`,
  )
}

function describeCall(call: OutboundCall): string {
  if (call.outcome === 'mocked') return `${call.status} from a mock`
  if (call.outcome === 'failed') return `failed: ${call.detail}`
  return call.status === undefined ? 'sent to the network, no answer' : `${call.status} from the network`
}

export function budgetSection(report: RunReport): SafeHtml {
  if (report.budgets.length === 0) {
    return section(
      'budget',
      'Budget',
      html`<p>No budget is set: add <code>budget: { integration: '5m' }</code> to testbed.config.ts.</p>`,
    )
  }
  const rows = report.budgets.map(
    (budget) =>
      html`<tr><th scope="row">${budget.kind}</th><td class="number">${budget.tests}</td><td class="number">${formatDuration(budget.usedMs)}</td><td class="number">${formatDuration(budget.budgetMs)}</td><td class="${budget.over ? 'over' : 'within'}">${budget.over ? 'over' : 'within'}</td></tr>`,
  )
  return section(
    'budget',
    'Budget',
    html`<table><thead><tr><th scope="col">Tests</th><th scope="col" class="number">Count</th><th scope="col" class="number">Summed time</th><th scope="col" class="number">Budget</th><th scope="col">Verdict</th></tr></thead><tbody>${rows}</tbody></table>`,
  )
}

/** Every test with its state, worker, start (from the run's start) and time: the timeline as text. */
export function allTestsSection(report: RunReport): SafeHtml {
  const rows = report.tests.map(
    (test) =>
      html`<tr><td class="${test.state}">${test.state}</td><td>${testName(test)}</td><td>${test.worker ?? ''}</td><td class="number">${test.startTime === null ? '' : `+${formatDuration(test.startTime - report.startedAt)}`}</td><td class="number">${ran(test) ? formatDuration(test.durationMs) : ''}</td></tr>`,
  )
  return section(
    'all-tests',
    'All tests',
    html`<details><summary>${report.tests.length} tests, by file</summary>
<table id="all-tests-table"><thead><tr><th scope="col">State</th><th scope="col">Test</th><th scope="col">Worker</th><th scope="col" class="number">Started</th><th scope="col" class="number">Time</th></tr></thead><tbody>${rows}</tbody></table></details>`,
  )
}
