import { startTestServices, type TestServices } from '../vitest/node/start-test-services.ts'
import { loadSettings } from '../vitest/settings.ts'
import { closeProcessHarness } from './environment.ts'
import { writeJestRun } from './jest-run.ts'

const STARTED = Symbol.for('testbed.jest.services')

/**
 * Jest `globalSetup`: starts the services of testbed.config.ts (in Jest's `rootDir`) once per run,
 * builds the template, and hands both to the workers. Pair it with `testbed/jest/global-teardown`.
 * @example
 * // jest.config.js
 * export default {
 *   globalSetup: 'testbed/jest/global-setup',
 *   globalTeardown: 'testbed/jest/global-teardown',
 *   testEnvironment: 'testbed/jest/environment',
 * }
 */
export default async function globalSetup(_globalConfig: unknown, projectConfig: { rootDir: string }): Promise<void> {
  const settings = await loadSettings(projectConfig.rootDir)
  const started = await startTestServices(settings)
  ;(globalThis as Record<symbol, TestServices>)[STARTED] = started
  writeJestRun({ settings, services: started.services })
}

/** Jest `globalTeardown`: stops what the global setup started. */
export async function globalTeardown(): Promise<void> {
  await closeProcessHarness()
  const started = (globalThis as Record<symbol, TestServices | undefined>)[STARTED]
  await started?.set.stop()
}
