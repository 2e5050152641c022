import { createRequire } from 'node:module'
import { join } from 'node:path'
import type { IsolationSetting } from '../core/config.ts'
import type { HarnessTest, WorkerHarness } from '../isolation/harness/worker-harness.ts'
import { harnessOptions } from '../vitest/settings.ts'
import { readJestRun } from './jest-run.ts'

/** The parts of Jest's environment API this module uses (jest-environment-node 29 and 30). */
interface NodeEnvironment {
  global: { process: { env: Record<string, string | undefined> } }
  setup(): Promise<void>
  teardown(): Promise<void>
  handleTestEvent?(event: CircusEvent, state: unknown): unknown
}

interface CircusTest {
  name: string
  parent?: { name: string; parent?: unknown }
  errors: unknown[]
}

interface CircusEvent {
  name: string
  test?: CircusTest
}

interface EnvironmentContext {
  testPath: string
  docblockPragmas: Record<string, string | string[]>
}

type EnvironmentClass = new (
  config: { projectConfig: { rootDir: string } },
  context: EnvironmentContext,
) => NodeEnvironment

/**
 * Jest `testEnvironment`: Jest's own Node environment, plus testbed's isolation around every test
 * with no change to the tests (global `it`, `beforeEach`). Before the test file is imported,
 * `DATABASE_URL` and `PGHOST`/`PGPORT`/`PGUSER`/`PGPASSWORD`/`PGDATABASE` point at an endpoint
 * that always serves the current test's database; `beforeEach`, the test and `afterEach` run in
 * it, and it is undone after them. Isolation: testbed.config.ts `isolation`, or
 * `@testbed-isolation database` in a file's first docblock. Needs `testbed/jest/global-setup`.
 * @example
 * // jest.config.js
 * export default {
 *   globalSetup: 'testbed/jest/global-setup',
 *   globalTeardown: 'testbed/jest/global-teardown',
 *   testEnvironment: 'testbed/jest/environment',
 * }
 */
export default function TestbedEnvironment(
  config: { projectConfig: { rootDir: string } },
  context: EnvironmentContext,
): NodeEnvironment {
  // Jest's own environment from the project, so its version matches the Jest that runs it (29 or 30).
  const fromProject = createRequire(join(config.projectConfig.rootDir, 'package.json'))
  const NodeEnvironmentClass = fromProject('jest-environment-node').TestEnvironment as EnvironmentClass
  const environment = new NodeEnvironmentClass(config, context)
  return withIsolation(environment, context)
}

function withIsolation(environment: NodeEnvironment, context: EnvironmentContext): NodeEnvironment {
  const { setup, teardown, handleTestEvent } = environment
  const isolation = fileIsolation(context)
  let harness: WorkerHarness | null = null
  const running = new Map<CircusTest, HarnessTest>()
  environment.setup = async () => {
    await setup.call(environment)
    harness = await processHarness()
    Object.assign(environment.global.process.env, harness.env)
    // Child processes (a CLI under test) inherit the real process's environment.
    Object.assign(process.env, harness.env)
  }
  // The harness outlives the file: pools its modules made stay connected to the endpoint, idle.
  environment.teardown = () => teardown.call(environment)
  environment.handleTestEvent = async (event, state) => {
    await handleTestEvent?.call(environment, event, state)
    const test = event.test
    if (harness === null || test === undefined) return
    const name = `${context.testPath} > ${fullName(test)}`
    if (event.name === 'test_start') running.set(test, await harness.beginTest(name, isolation))
    if (event.name !== 'test_done') return
    const begun = running.get(test)
    running.delete(test)
    if (begun === undefined) return
    await harness.endTest(begun, { failed: test.errors.length > 0, testName: name }).catch((error: unknown) => {
      test.errors.push(error)
    })
  }
  return environment
}

const SHARED = Symbol.for('testbed.jest.harness')
type ProcessWithHarness = typeof globalThis & { [SHARED]?: Promise<WorkerHarness> }

/**
 * One harness per Jest worker process, for all its test files: one stable URL, as the app's pools
 * of earlier files stay connected to it. Jest ends its workers; a run in band closes it in the
 * global teardown.
 */
function processHarness(): Promise<WorkerHarness> {
  const shared = globalThis as ProcessWithHarness
  shared[SHARED] ??= startHarness()
  return shared[SHARED]
}

/** Closes this process's harness, if it made one (a run in band). */
export async function closeProcessHarness(): Promise<void> {
  const shared = globalThis as ProcessWithHarness
  const harness = shared[SHARED]
  delete shared[SHARED]
  await (await harness?.catch(() => null))?.close()
}

async function startHarness(): Promise<WorkerHarness> {
  const { settings, services } = readJestRun()
  const service = Object.values(services).find((candidate) => candidate.kind === 'postgres')
  if (!service) throw new Error('testbed.config.ts declares no postgres() service for the Jest environment')
  const { createWorkerHarness } = await import('../isolation/harness/worker-harness.ts')
  return createWorkerHarness(await harnessOptions(service, settings))
}

function fileIsolation(context: EnvironmentContext): IsolationSetting | undefined {
  const pragma = context.docblockPragmas['testbed-isolation']
  const value = Array.isArray(pragma) ? pragma[0] : pragma
  return value === 'transaction' || value === 'database' || value === 'reset' ? value : undefined
}

function fullName(test: CircusTest): string {
  const names = [test.name]
  let parent = test.parent as CircusTest['parent']
  while (parent?.parent) {
    names.unshift(parent.name)
    parent = parent.parent as CircusTest['parent']
  }
  return names.join(' > ')
}
