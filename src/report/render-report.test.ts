import { describe, expect, test } from 'vitest'
import { renderReport } from './render-report.ts'
import type { ReportTest, RunReport } from './run-report.ts'
import { html } from './safe-html.ts'
import { packRows, type TimelineBar, tickStep, timelineLanes } from './timeline-svg.ts'

const T0 = Date.UTC(2025, 0, 2, 3, 4, 5)

function testAt(
  name: string,
  start: number,
  durationMs: number,
  worker: string,
  state: ReportTest['state'] = 'passed',
): ReportTest {
  return {
    file: 'tests/a.test.ts',
    name,
    tags: [],
    state,
    startTime: T0 + start,
    durationMs,
    worker,
    errors: state === 'failed' ? ['AssertionError: expected 1 to be 2'] : [],
    leak: null,
    keptDatabase: null,
    http: [],
  }
}

function runReport(tests: ReportTest[]): RunReport {
  return {
    version: 1,
    project: 'shop',
    projectDir: '/shop',
    testbedVersion: '0.1.0',
    startedAt: T0,
    finishedAt: T0 + 1000,
    integration: true,
    runFailures: [],
    notes: [],
    services: {
      started: true,
      reason: null,
      attached: false,
      startedAt: T0,
      servicesMs: 300,
      templatesMs: 100,
      templatesBuilt: 1,
      list: [{ name: 'db', kind: 'postgres', provider: 'embedded', version: '18.4' }],
      unavailable: [],
    },
    tests,
    fileErrors: [],
    budgets: [],
    slowThresholdMs: 1000,
  }
}

describe('the timeline', () => {
  test('has a services lane (start, then templates) and a lane per worker, in worker order', () => {
    const lanes = timelineLanes(
      runReport([testAt('b', 500, 100, '2'), testAt('a', 400, 100, '1'), testAt('c', 600, 50, '10')]),
    )
    expect(
      lanes.map((lane) => [lane.name, lane.rows.flat().map((bar) => [bar.start - T0, bar.end - T0, bar.kind])]),
    ).toEqual([
      [
        'services',
        [
          [0, 300, 'services'],
          [300, 400, 'templates'],
        ],
      ],
      ['worker 1', [[400, 500, 'passed']]],
      ['worker 2', [[500, 600, 'passed']]],
      ['worker 10', [[600, 650, 'passed']]],
    ])
  })

  test('stacks tests that overlap (concurrent tests) on rows of their own', () => {
    const bar = (start: number, end: number): TimelineBar => ({ start, end, kind: 'passed', label: `${start}` })
    const rows = packRows([bar(0, 10), bar(5, 20), bar(10, 15), bar(21, 30)])
    expect(rows.map((row) => row.map((entry) => entry.label))).toEqual([['0', '10', '21'], ['5']])
  })

  test('puts at most ten ticks on the axis, at 1, 2 or 5 times a power of ten', () => {
    expect([tickStep(90), tickStep(950), tickStep(1001), tickStep(6_700), tickStep(240_000)]).toEqual([
      10, 100, 200, 1000, 50_000,
    ])
  })
})

describe('renderReport', () => {
  test('escapes every name it shows, so a test name cannot inject markup', () => {
    const page = renderReport(runReport([testAt('<img src=x onerror=alert(1)>', 400, 10, '1', 'failed')]))
    expect(page).not.toContain('<img src=x')
    expect(page).toContain('&#60;img src=x onerror=alert(1)&#62;')
    expect(page).toContain('<title>testbed report: shop — failed</title>')
  })

  test('html`` escapes values, joins arrays, drops null, false and undefined, and keeps SafeHtml as it is', () => {
    expect(html`<p>${'a & "b"'}${[html`<b>1</b>`, 2]}${null}${false}${undefined}</p>`.text).toBe(
      '<p>a &#38; &#34;b&#34;<b>1</b>2</p>',
    )
  })
})
