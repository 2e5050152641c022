// Takes docs/report.png, the README's picture of the report, from the shop's last run in headless
// Chromium (Debian's `chromium`). Run it after `npm run demo -- --maxWorkers=2`.
import { chromium } from 'playwright-core'

const page = new URL('.testbed/report/index.html', import.meta.url)
const output = new URL('../../docs/report.png', import.meta.url)
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
})
try {
  const tab = await browser.newPage({ viewport: { width: 1100, height: 800 }, deviceScaleFactor: 1 })
  await tab.goto(page.href)
  // The top of the page: verdict, summary, timeline, failures, leaks, the slowest tests.
  await tab.screenshot({ path: output.pathname, fullPage: true, clip: { x: 0, y: 0, width: 1100, height: 1250 } })
  console.log(`wrote ${output.pathname}`)
} finally {
  await browser.close()
}
