import {
  allTestsSection,
  budgetSection,
  failuresSection,
  httpSection,
  leaksSection,
  slowestSection,
  summarySection,
} from './report-sections.ts'
import { type RunReport, runFailed } from './run-report.ts'
import { html, SafeHtml } from './safe-html.ts'
import { timelineSvg } from './timeline-svg.ts'

// Contrast of every text colour on its background is at least 4.5:1 (WCAG AA); the test runs axe-core on the page.
const STYLE = `
:root { color-scheme: light; --ink: #1a1a1a; --muted: #4a4a4a; --line: #d0d0d0; --pass: #1b5e20; --fail: #b71c1c;
  --skip: #5f6368; --services: #0d47a1; --templates: #6a1b9a; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 72rem; padding: 1.5rem; font: 15px/1.5 system-ui, sans-serif; color: var(--ink); background: #fff; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .5rem; padding-bottom: .25rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1rem; margin: 1rem 0 .25rem; }
.verdict { display: inline-block; padding: .2rem .6rem; border-radius: 4px; color: #fff; font-weight: 600; }
.verdict.passed { background: var(--pass); } .verdict.failed { background: var(--fail); }
.meta, .file { color: var(--muted); }
dl.summary { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; }
dt { font-weight: 600; } dd { margin: 0; }
.over, td.failed, .failed-text { color: var(--fail); font-weight: 600; } .within, td.passed { color: var(--pass); }
td.skipped, td.pending { color: var(--skip); } td.mocked { color: var(--pass); } td.network { color: var(--services); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .3rem .5rem; border-bottom: 1px solid var(--line); }
th[scope=rowgroup] { font-weight: normal; }
td.number, th.number { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
pre { background: #f6f6f6; border-left: 4px solid var(--fail); padding: .5rem .75rem; overflow-x: auto; white-space: pre-wrap; }
.leak pre { border-left-color: var(--templates); }
code { font-family: ui-monospace, monospace; font-size: .9em; }
figure { margin: 0; }
svg.timeline { width: 100%; height: auto; font-size: 11px; }
svg.timeline text { fill: var(--ink); } svg.timeline .tick { stroke: #e3e3e3; } svg.timeline text.tick { fill: var(--muted); stroke: none; }
svg.timeline .lane line { stroke: var(--line); }
.bar.passed { fill: #2e7d32; } .bar.failed { fill: #c62828; } .bar.skipped, .bar.pending { fill: #9e9e9e; }
.bar.services { fill: #1565c0; } .bar.templates { fill: #8e24aa; }
ul.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 1rem; }
.swatch { display: inline-block; width: .9rem; height: .9rem; vertical-align: -2px; margin-right: .3rem; }
footer { margin-top: 2.5rem; color: var(--muted); font-size: .9rem; }
label.filter { display: block; margin: .5rem 0; } label.filter input { font: inherit; padding: .2rem .4rem; }
`

// An extra for browsers with JavaScript: a filter over the table of all tests. Nothing else needs it.
const SCRIPT = `
const table = document.getElementById('all-tests-table')
if (table) {
  const label = document.createElement('label')
  label.className = 'filter'
  label.textContent = 'Filter tests: '
  const input = document.createElement('input')
  input.type = 'search'
  label.append(input)
  table.before(label)
  input.addEventListener('input', () => {
    const words = input.value.toLowerCase()
    for (const row of table.tBodies[0].rows) row.hidden = !row.textContent.toLowerCase().includes(words)
  })
}
`

const LEGEND: Array<[string, string]> = [
  ['services', 'services starting'],
  ['templates', 'templates building'],
  ['passed', 'test passed'],
  ['failed', 'test failed'],
]

/** The report as one self-contained HTML page: inline CSS and SVG, no request to anywhere, readable without JavaScript. */
export function renderReport(report: RunReport): string {
  const verdict = runFailed(report) ? 'failed' : 'passed'
  const when = new Date(report.startedAt).toISOString().replace('T', ' ').slice(0, 19)
  const legend = LEGEND.map(
    ([kind, text]) =>
      html`<li><svg class="swatch" aria-hidden="true" viewBox="0 0 10 10"><rect class="bar ${kind}" width="10" height="10"/></svg>${text}</li>`,
  )
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>testbed report: ${report.project} — ${verdict}</title>
<style>${new SafeHtml(STYLE)}</style>
</head>
<body>
<header>
<h1>testbed report: ${report.project}</h1>
<p><span class="verdict ${verdict}">Run ${verdict}</span> <span class="meta">${when} UTC · ${report.integration ? 'unit and integration tests' : 'unit tests (integration tests off)'} · testbed ${report.testbedVersion}</span></p>
</header>
<main>
${summarySection(report)}
<section aria-labelledby="timeline"><h2 id="timeline">Timeline</h2>
<figure>${timelineSvg(report)}<figcaption><ul class="legend">${legend}</ul>Each lane is a Vitest worker; tests that overlap (concurrent tests) stack. Hover a bar for its test.</figcaption></figure>
</section>
${failuresSection(report)}${leaksSection(report)}${slowestSection(report)}${httpSection(report)}${budgetSection(report)}${allTestsSection(report)}
</main>
<footer>Written by testbed after the run, from <code>.testbed/report/report.json</code>; <code>npx testbed report</code> rebuilds and opens it.</footer>
<script>${new SafeHtml(SCRIPT)}</script>
</body>
</html>
`.text
}
