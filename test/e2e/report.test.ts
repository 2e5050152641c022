// The HTML report a run writes, the `testbed report` command, and the page in headless Chromium.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { beforeAll, describe, expect, test } from 'vitest'
import type { RunReport } from '../../src/report/run-report.ts'
import { accessibilityViolations, launchChromium, NO_CHROMIUM } from '../test-utils/chromium.ts'
import { tempDir } from '../test-utils/temp-dir.ts'
import { expectPassed, type VitestProject, vitestProject } from '../test-utils/vitest-project.ts'

const REPORT_LINE = 'testbed: report written to .testbed/report/index.html (`npx testbed report` opens it)'
const FAILING = 'a failing test under database isolation keeps its database'
const LEAKING = 'commits through a connection of its own, which the leak check catches'
const CALLING = 'charges a card through the payments API'

let project: VitestProject
let report: RunReport
let run: { code: number | null; stdout: string }

beforeAll(async () => {
  project = vitestProject('report', {}, 'report-project')
  run = await project.testbed(['test', '--integration'])
  report = JSON.parse(project.read('.testbed/report/report.json')) as RunReport
}, 120_000)

const testNamed = (name: string) => report.tests.find((test) => test.name === name)

describe('the report a run writes', () => {
  test('says where it is, next to the other summary lines', () => {
    expect(run.code).toBe(1)
    expect(run.stdout.split('\n')).toContain(REPORT_LINE)
  })

  test('has every test with its state, worker and timing, and the services with their start', () => {
    expect(report.tests.map((test) => [test.file, test.name, test.state])).toEqual([
      ['tests/integration/report.test.ts', 'stores a user', 'passed'],
      ['tests/integration/report.test.ts', FAILING, 'failed'],
      ['tests/integration/report.test.ts', LEAKING, 'failed'],
      ['tests/integration/report.test.ts', CALLING, 'passed'],
      ['tests/integration/report.test.ts', '<script>alert("names are text")</script>', 'passed'],
      ['tests/unit/email.test.ts', 'an address has an @', 'passed'],
    ])
    for (const test of report.tests) {
      expect(test.worker).toMatch(/^\d+$/)
      expect(test.startTime).toBeGreaterThanOrEqual(report.startedAt)
      expect((test.startTime ?? 0) + test.durationMs).toBeLessThanOrEqual(report.finishedAt)
    }
    expect(report.services).toMatchObject({
      started: true,
      startedAt: report.startedAt,
      templatesBuilt: 1,
      list: [{ name: 'db', kind: 'postgres', provider: 'embedded' }],
    })
    expect(report.budgets).toEqual([expect.objectContaining({ kind: 'integration', tests: 5, over: false })])
  })

  test('keeps the failed test’s database (keepOnFailure) and names it with its psql URL, password hidden', () => {
    expect(testNamed(FAILING)?.keptDatabase).toMatch(
      /^psql postgresql:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/testbed_db_[0-9a-f]+_[0-9a-z]+$/,
    )
    expect(testNamed(FAILING)?.errors[0]).toMatch(
      /^AssertionError: expected \[ { n: 1 } \] to deeply equal \[ { n: 2 } \]/,
    )
  })

  test('names what leaked out of a test, and the outbound calls of each test with what answered them', () => {
    expect(testNamed(LEAKING)?.leak).toBe(
      `[testbed] Changes leaked out of the test's isolation: tests/integration/report.test.ts > ${LEAKING}.\n` +
        "The database did not return to its starting state after the test, which usually means the test committed through a connection of its own instead of the test's `db` pool. " +
        "Run every query through `db.pool` / `db.query` (or use isolation 'database' for code that must open its own connections), " +
        'or turn the check off with `leakCheck: false` (in testbed.config.ts, `test.override({ leakCheck: false })` or the test’s `meta`).\n' +
        '  • public.users: rows inserted (0 rows before, 1 after)\n' +
        'Read more: node_modules/testbed/docs/errors.md#testbed_isolation_leak',
    )
    expect(testNamed(CALLING)?.http).toEqual([
      { method: 'POST', url: 'https://api.payments.example/v1/charges?…', outcome: 'mocked', status: 201 },
    ])
    expect(report.tests.filter((test) => test.http.length > 0)).toHaveLength(1)
  })
})

describe('testbed report', () => {
  test('rebuilds the page from the run’s data, and says where to open it when there is no browser to start', async () => {
    rmSync(join(project.dir, '.testbed/report/index.html'))
    const result = await project.testbed(['report'], { BROWSER: '', DISPLAY: '', WAYLAND_DISPLAY: '' })
    const page = join(project.dir, '.testbed/report/index.html')
    expect(result.stdout).toMatch(
      new RegExp(
        `^Report of the run of \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC \\(failed, 6 tests, [^)]+\\): ${page}\n`,
      ),
    )
    expect(result.stdout.split('\n')[1]).toBe(`Open ${pathToFileURL(page).href} in a browser.`)
    expect(existsSync(page)).toBe(true)
    expect(result.code).toBe(0)
  })

  test('opens it with $BROWSER', async () => {
    const browser = join(tempDir('testbed-browser-'), 'record-browser.sh')
    writeFileSync(browser, '#!/bin/sh\nprintf %s "$1" > "$0.opened"\n', { mode: 0o755 })
    const result = await project.testbed(['report'], { BROWSER: browser })
    expect(result.stdout.split('\n')[1]).toBe(`Opened it with ${browser}.`)
    // The browser runs on its own, detached: wait for the file it writes.
    await expect.poll(() => existsSync(`${browser}.opened`)).toBe(true)
    await expect
      .poll(() => readFileSync(`${browser}.opened`, 'utf8'))
      .toBe(join(project.dir, '.testbed/report/index.html'))
  })

  test('a browser that cannot start is named, with the page to open by hand', async () => {
    const result = await project.testbed(['report'], { BROWSER: '/nonexistent/browser' })
    const url = pathToFileURL(join(project.dir, '.testbed/report/index.html')).href
    expect(result.stderr).toBe(
      '[testbed] Cannot open the report in a browser: /nonexistent/browser.\n' +
        `Starting it failed: spawn /nonexistent/browser ENOENT. Open ${url} yourself, or set BROWSER to your browser's command.\n` +
        'Read more: node_modules/testbed/docs/errors.md#testbed_report_open_failed\n',
    )
    expect(result.code).toBe(1)
  })

  test('without a run, or with data it cannot read, says so and how to get a report', async () => {
    const empty = vitestProject('report-none', {})
    const none = await empty.testbed(['report'])
    expect(none.stderr).toBe(
      `[testbed] No report to show: ${empty.dir}/.testbed/report/report.json.\n` +
        'testbed writes it after every run of `testbed test` (or of Vitest with the testbed() plugin), and no run has written one in this project yet. Run the tests first: `npx testbed test`.\n' +
        'Read more: node_modules/testbed/docs/errors.md#testbed_report_not_found\n',
    )
    expect(none.code).toBe(1)
    empty.write({ '.testbed/report/report.json': '{"version": 99}' })
    const unreadable = await empty.testbed(['report'])
    expect(unreadable.stderr).toBe(
      `[testbed] Cannot read the last run’s report data: ${empty.dir}/.testbed/report/report.json.\n` +
        'It cannot be used: it is not a report this version of testbed wrote. Run the tests again to write a new one: `npx testbed test`.\n' +
        'Read more: node_modules/testbed/docs/errors.md#testbed_report_unreadable\n',
    )
  })
})

describe.skipIf(NO_CHROMIUM)('the page in headless Chromium', () => {
  test('reads without JavaScript: summary, failures with the kept database, leaks, outbound HTTP; nothing is fetched', async () => {
    await using browser = await launchChromium()
    const page = await browser.newPage({ javaScriptEnabled: false })
    const requests: string[] = []
    page.on('request', (request) => void requests.push(request.url()))
    const dialogs: string[] = []
    page.on('dialog', (dialog) => void dialogs.push(dialog.message()))
    const url = pathToFileURL(join(project.dir, '.testbed/report/index.html')).href
    await page.goto(url)
    expect(requests).toEqual([url])
    expect(await page.title()).toBe('testbed report: report — failed')
    expect(await page.locator('h2').allTextContents()).toEqual([
      'Summary',
      'Timeline',
      'Failures (2)',
      'Leaks (1)',
      'Slowest tests',
      'Outbound HTTP (1 request from 1 test)',
      'Budget',
      'All tests',
    ])
    const summary = await page.locator('dl.summary').textContent()
    expect(summary).toContain('4 passed, 2 failed, 0 skipped (6 in all)')
    expect(summary).toMatch(/db \(postgres [\d.]+, embedded\) started in/)
    expect(await page.locator('#failures ~ article').first().textContent()).toContain(
      `Its database was kept: ${testNamed(FAILING)?.keptDatabase}`,
    )
    expect(await page.getByText('POST https://api.payments.example/v1/charges?…').count()).toBe(1)
    expect(await page.getByText('201 from a mock').count()).toBe(1)
    expect(await page.locator('svg.timeline rect.bar').count()).toBe(report.tests.length + 2)
    expect(dialogs).toEqual([])
  })

  test('passes axe-core’s accessibility checks, and filters the tests with JavaScript on', async () => {
    await using browser = await launchChromium()
    const page = await browser.newPage()
    await page.goto(pathToFileURL(join(project.dir, '.testbed/report/index.html')).href)
    expect(await accessibilityViolations(page)).toEqual([])
    await page.locator('#all-tests ~ details summary').click()
    await page.getByLabel('Filter tests').fill('leak')
    expect(await page.locator('#all-tests-table tbody tr:visible').count()).toBe(1)
  })

  test('renders the example shop’s report: its suite, timeline and outbound calls, screenshotted', async () => {
    const shop = vitestProject('shop', {}, fileURLToPath(new URL('../../examples/shop', import.meta.url)))
    expectPassed(await shop.testbed(['test', '--integration', '--maxWorkers=2']))
    await using browser = await launchChromium()
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } })
    await page.goto(pathToFileURL(join(shop.dir, '.testbed/report/index.html')).href)
    expect(await page.locator('.verdict').textContent()).toBe('Run passed')
    expect(await page.locator('dl.summary').textContent()).toContain('24 passed, 0 failed, 0 skipped (24 in all)')
    expect(await page.locator('#http').textContent()).toBe('Outbound HTTP (2 requests from 2 tests)')
    expect(await page.locator('svg.timeline rect.bar').count()).toBe(24 + 2)
    expect(await accessibilityViolations(page)).toEqual([])
    const screenshot = await page.screenshot({ fullPage: true })
    expect(screenshot.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    expect(screenshot.length).toBeGreaterThan(50_000)
  })
})

// Last: its run writes the project's report anew, which the tests above read.
describe('JUnit for CI, through Vitest’s own reporter', () => {
  test('writes the XML beside testbed’s report, with each test, failures included', async () => {
    const junit = await project.testbed([
      'test',
      '--integration',
      '--reporter=default',
      '--reporter=junit',
      '--outputFile.junit=reports/junit.xml',
    ])
    expect(junit.stdout.split('\n')).toContain(REPORT_LINE)
    const xml = project.read('reports/junit.xml')
    expect(xml).toMatch(
      /^<\?xml version="1\.0" encoding="UTF-8" \?>\n<testsuites name="vitest tests" tests="6" failures="2" errors="0"/,
    )
    expect(xml).toContain(`<testcase classname="tests/integration/report.test.ts" name="${LEAKING}"`)
    expect(xml).toContain('[testbed] Changes leaked out of the test&apos;s isolation')
  })
})
