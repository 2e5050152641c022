import { ENV, readEnv } from '../core/env.ts'
import { TestbedError } from '../core/errors.ts'
import type { ServiceInfo } from '../vitest/provided.ts'
import type { TestbedSettings } from '../vitest/settings.ts'

/** What the Jest global setup hands to the workers, through `TESTBED_JEST_RUN`. */
export interface JestRun {
  settings: TestbedSettings
  services: Record<string, ServiceInfo>
}

export function writeJestRun(run: JestRun): void {
  process.env[ENV.jestRun.name] = JSON.stringify(run)
}

export function readJestRun(): JestRun {
  const text = readEnv(ENV.jestRun)
  if (text === undefined) throw noGlobalSetup()
  return JSON.parse(text) as JestRun
}

function noGlobalSetup(): TestbedError {
  return new TestbedError('TESTBED_CONFIG_INVALID', {
    what: "testbed's Jest environment runs without testbed's Jest global setup",
    subject: 'jest.config',
    why: 'The global setup starts the services and builds the template once per run; the environment only connects each test file to them',
    fix: "Add `globalSetup: 'testbed/jest/global-setup'` and `globalTeardown: 'testbed/jest/global-teardown'` next to `testEnvironment: 'testbed/jest/environment'`",
  })
}
