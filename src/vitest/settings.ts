import { join } from 'node:path'
import type { IsolationSetting, TagDeclaration, TestbedConfig, UnhandledHttpSetting } from '../core/config.ts'
import { loadConfig } from '../core/config-loader.ts'
import { validateConfig } from '../core/config-validation.ts'
import { parseDuration } from '../core/duration.ts'
import { ENV, readEnv, readFlag } from '../core/env.ts'
import { TestbedError } from '../core/errors.ts'
import { DEFAULT_ISOLATION } from '../core/isolation-names.ts'
import type { WorkerHarnessOptions } from '../isolation/harness/worker-harness.ts'
import type { TemplateInputs } from '../isolation/templates/template-inputs.ts'

/** The tags testbed declares, after the markers of the guide's pytest.ini. */
export const BUILTIN_TAGS: readonly TagDeclaration[] = [
  { name: 'unit', description: 'Unit tests (fast, isolated)' },
  { name: 'integration', description: 'Integration tests (slower, external deps)' },
  { name: 'slow', description: 'Slow-running tests' },
]

export const DEFAULT_DIRS = { unit: 'tests/unit', integration: 'tests/integration' }
const DEFAULT_TIMEOUT_MS = 300_000
const DEFAULT_SLOW_MS = 1000

/** What the plugin, global setup, reporter and workers need from the config: plain data, so Vitest can pass it on. */
export interface TestbedSettings {
  projectDir: string
  /** Null when the project has no testbed.config.ts. */
  configFile: string | null
  isolation: IsolationSetting
  leakCheck: boolean
  /** Under isolation `database`, keep a failed test's database. */
  keepOnFailure: boolean
  /** What happens to a test's database while the app has connections open on it. */
  openConnections: 'defer' | 'wait' | 'terminate'
  openConnectionsTimeoutMs: number
  /** What happens in integration tests to outbound traffic no http mock answers. */
  unhandledHttp: UnhandledHttpSetting
  timeoutMs: number
  slowThresholdMs: number
  budgetMs: { unit?: number; integration?: number; total?: number }
  budgetMode: 'warn' | 'strict'
  tags: TagDeclaration[]
  dirs: { unit: string; integration: string }
  /**
   * Adopting a suite: globs of its integration test files (folders become `<folder>/**`; none when
   * only tags choose them); null keeps the projects from `dirs`.
   */
  integrationTests: string[] | null
  /** The tags that make a test an integration test: `integration`, and those of `integrationTests.tags`. */
  integrationTags: string[]
  /** Integration tests run (`testbed test --integration`, `TESTBED_INTEGRATION=1`); otherwise they are skipped. */
  integration: boolean
}

/** Loads and checks testbed.config.ts (`TESTBED_CONFIG` or `configFile` names another) and resolves the defaults. */
export async function loadSettings(root: string, configFile?: string): Promise<TestbedSettings> {
  const loaded = await loadConfig(root, readEnv(ENV.config) ?? configFile)
  validateConfig(loaded.config)
  return resolveSettings(loaded.config, loaded.projectDir, loaded.file)
}

export function resolveSettings(config: TestbedConfig, projectDir: string, configFile: string | null): TestbedSettings {
  const budget = config.budget ?? {}
  return {
    projectDir,
    configFile,
    isolation: config.isolation ?? DEFAULT_ISOLATION,
    leakCheck: config.leakCheck ?? true,
    keepOnFailure: config.keepOnFailure ?? false,
    openConnections: config.openConnections ?? 'defer',
    openConnectionsTimeoutMs: parseDuration(config.openConnectionsTimeout) ?? 5000,
    unhandledHttp: config.unhandledHttp ?? 'error',
    timeoutMs: parseDuration(config.timeout) ?? DEFAULT_TIMEOUT_MS,
    slowThresholdMs: parseDuration(config.slowThreshold) ?? DEFAULT_SLOW_MS,
    budgetMs: Object.fromEntries(Object.entries(budget).map(([kind, value]) => [kind, parseDuration(value) as number])),
    budgetMode: budgetModeFromEnv(),
    tags: mergeTags([...integrationTagDeclarations(config.integrationTests), ...(config.tags ?? [])]),
    dirs: { ...DEFAULT_DIRS, ...config.dirs },
    integrationTests: integrationGlobs(config.integrationTests),
    integrationTags: ['integration', ...chosenTags(config.integrationTests).filter((tag) => tag !== 'integration')],
    integration: integrationFromEnv(),
  }
}

/** The built-in tags, with the user's declarations added (or, for a built-in name, merged in). */
export function mergeTags(declared: ReadonlyArray<string | TagDeclaration>): TagDeclaration[] {
  const byName = new Map(BUILTIN_TAGS.map((tag) => [tag.name, { ...tag }]))
  for (const entry of declared) {
    const tag = typeof entry === 'string' ? { name: entry } : entry
    byName.set(tag.name, { ...byName.get(tag.name), ...tag })
  }
  return [...byName.values()]
}

function integrationGlobs(value: TestbedConfig['integrationTests']): string[] | null {
  if (value === undefined) return null
  const files = typeof value === 'object' && !Array.isArray(value) ? (value.files ?? []) : value
  const entries = Array.isArray(files) ? files : [files]
  // A folder has no glob characters: every file under it.
  return entries.map((entry) => (/[*?{[]/.test(entry) ? entry : `${entry.replace(/\/+$/, '')}/**`))
}

function chosenTags(value: TestbedConfig['integrationTests']): string[] {
  return typeof value === 'object' && !Array.isArray(value) ? (value.tags ?? []) : []
}

/** The suite's own integration tags, declared so strict tags accept them (testbed.config.ts `tags` may describe them). */
function integrationTagDeclarations(value: TestbedConfig['integrationTests']): TagDeclaration[] {
  const description = 'Integration tests (chosen by integrationTests.tags)'
  return chosenTags(value)
    .filter((name) => name !== 'integration')
    .map((name) => ({ name, description }))
}

export function integrationFromEnv(): boolean {
  return readFlag(ENV.integration)
}

function budgetModeFromEnv(): 'warn' | 'strict' {
  const value = (readEnv(ENV.budget) ?? '').trim()
  if (value === '' || value === 'warn') return 'warn'
  if (value === 'strict') return 'strict'
  throw new TestbedError('TESTBED_CONFIG_INVALID', {
    what: 'Invalid environment variable',
    subject: `TESTBED_BUDGET=${value}`,
    why: 'TESTBED_BUDGET is `warn` (over budget prints a warning) or `strict` (over budget fails the run)',
    fix: 'Set it to one of those, or unset it',
  })
}

/**
 * What a worker's harness (`DATABASE_URL` per worker, isolation around each test) is made from,
 * for the Vitest setup file and the Jest environment alike.
 */
export async function harnessOptions(
  service: { url: string; template?: TemplateInputs },
  settings: TestbedSettings,
): Promise<WorkerHarnessOptions> {
  const { templateSourceFor } = await import('../isolation/templates/template-inputs.ts')
  const { createConsoleProgress } = await import('../core/progress.ts')
  return {
    adminUrl: service.url,
    template: await templateSourceFor(service.template ?? {}, settings.projectDir),
    isolation: settings.isolation,
    leakCheck: settings.leakCheck,
    keepOnFailure: settings.keepOnFailure,
    openConnections: settings.openConnections,
    openConnectionsTimeout: settings.openConnectionsTimeoutMs,
    escalationsFile: join(settings.projectDir, '.testbed', 'isolation-escalations.jsonl'),
    progress: createConsoleProgress(process.stderr),
  }
}
