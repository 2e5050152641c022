import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { type Browser, chromium, type Page } from 'playwright-core'

/** Debian's `chromium` package; CI installs it (.ci/run), a developer may not have it. */
export const CHROMIUM = '/usr/bin/chromium'
export const NO_CHROMIUM = !existsSync(CHROMIUM)
if (NO_CHROMIUM) console.log(`skipping the browser tests: no ${CHROMIUM} (Debian: apt-get install chromium)`)

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

/** Headless Chromium, closed when the block ends. */
export async function launchChromium(): Promise<Browser & AsyncDisposable> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS })
  return Object.assign(browser, { [Symbol.asyncDispose]: () => browser.close() })
}

export interface AxeViolation {
  id: string
  impact: string | null
  help: string
  nodes: Array<{ target: string[] }>
}

/** Runs axe-core (WCAG 2 A and AA, and best practices) on the page; returns the violations, described. */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  const axe = createRequire(import.meta.url).resolve('axe-core/axe.min.js')
  await page.addScriptTag({ path: axe })
  const violations = await page.evaluate(async () => {
    const result = await (
      globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }
    ).axe.run()
    return result.violations
  })
  return violations.map(
    (violation) =>
      `${violation.id} (${violation.impact}): ${violation.help} at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
  )
}
