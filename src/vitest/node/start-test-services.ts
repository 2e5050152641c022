import type { ServiceDeclaration } from '../../core/config.ts'
import { loadConfig } from '../../core/config-loader.ts'
import { ENV, readEnv } from '../../core/env.ts'
import { createConsoleProgress, type Progress, silentProgress } from '../../core/progress.ts'
import type { ServiceRecord } from '../../core/run-registry.ts'
import { configuredServices } from '../../services/default-services.ts'
import { checkProviders, forcedProvider } from '../../services/resolve-provider.ts'
import { loadTesting, type ServiceDefinition } from '../../services/service-definition.ts'
import { type ServiceSet, startServices } from '../../services/service-set.ts'
import type { ServiceInfo } from '../provided.ts'
import type { TestbedSettings } from '../settings.ts'
import type { ServicesReport } from './run-state.ts'

export interface TestServices {
  set: ServiceSet
  services: Record<string, ServiceInfo>
  /** Services set aside because this machine cannot provide them, with the line that says how to. */
  unavailable: Record<string, string>
  /** Per fixture name (`db`, `redis`), the first service that offers it, set aside or not. */
  fixtures: Record<string, string>
  report: ServicesReport
}

/** Starts (or attaches to) the configured services, then lets each kind prepare them for tests (PostgreSQL builds its template). */
export async function startTestServices(settings: TestbedSettings): Promise<TestServices> {
  const loaded = await loadConfig(settings.projectDir, settings.configFile ?? undefined)
  const progress = readEnv(ENV.quiet) ? silentProgress : createConsoleProgress(process.stderr)
  const configured = configuredServices(loaded.config) as Record<string, ServiceDefinition>
  const { declarations, unavailable } = await setAsideUnavailable(configured)
  for (const line of Object.values(unavailable)) progress.warn(line)
  const startedAt = Date.now()
  const servicesStart = performance.now()
  const snapshots = await snapshotKeys(declarations, settings.projectDir)
  const set = await startServices(declarations, { projectDir: loaded.projectDir, progress, snapshots })
  const servicesMs = performance.now() - servicesStart
  try {
    const templatesStart = performance.now()
    const entries = await Promise.all(
      set.services.map((record) => describeService(record, declarations[record.name], settings, progress)),
    )
    const templatesBuilt = entries.filter(([, , built]) => built).length
    await saveSnapshots(set, entries, snapshots)
    const templatesMs = performance.now() - templatesStart
    return {
      set,
      services: Object.fromEntries(entries.map(([name, info]) => [name, info])),
      unavailable,
      fixtures: fixtureBindings(configured),
      report: {
        started: true,
        reason: null,
        attached: set.attached,
        servicesMs,
        templatesMs,
        templatesBuilt,
        startedAt,
        services: set.services.map(({ name, kind, provider, version }) => ({ name, kind, provider, version })),
        unavailable: Object.values(unavailable),
      },
    }
  } catch (error) {
    await set.stop()
    throw error
  }
}

// A kind that declares itself `optional` (Redis) does not fail the suite on a machine that cannot
// provide it: its tests are skipped with one line saying how to get it. A forced provider that is
// missing stays an error.
async function setAsideUnavailable(
  all: Record<string, ServiceDefinition>,
): Promise<{ declarations: Record<string, ServiceDefinition>; unavailable: Record<string, string> }> {
  const declarations: Record<string, ServiceDefinition> = {}
  const unavailable: Record<string, string> = {}
  for (const [name, definition] of Object.entries(all)) {
    const line = await unavailableLine(name, definition)
    if (line) unavailable[name] = line
    else declarations[name] = definition
  }
  return { declarations, unavailable }
}

async function unavailableLine(name: string, definition: ServiceDefinition): Promise<string | null> {
  if (!definition.optional || forcedProvider(definition)) return null
  const checks = await checkProviders(name, definition)
  if (checks.some((check) => check.detection.available)) return null
  return `${name}: no ${definition.label} on this machine, so the tests that use it are skipped. ${definition.optional.hint}.`
}

// A server this run starts from scratch would redo its preparation (templates) every run; a snapshot
// taken after it lets the next run start with it (an unchanged schema costs nothing).
async function snapshotKeys(
  definitions: Record<string, ServiceDefinition>,
  baseDir: string,
): Promise<Record<string, string>> {
  const keys: Record<string, string> = {}
  for (const [name, definition] of Object.entries(definitions)) {
    if (!definition.snapshot || !definition.testing) continue
    const testing = await loadTesting(definition.testing)
    if (testing.snapshotKey) keys[name] = await testing.snapshotKey(definition.options, baseDir)
  }
  return keys
}

async function saveSnapshots(
  set: ServiceSet,
  entries: Array<[string, ServiceInfo, boolean]>,
  keys: Record<string, string>,
): Promise<void> {
  for (const [name, , built] of entries) {
    const key = keys[name]
    if (built && key) await set.snapshot(name, key)
  }
}

async function describeService(
  record: ServiceRecord,
  declaration: ServiceDeclaration | undefined,
  settings: TestbedSettings,
  progress: Progress,
): Promise<[string, ServiceInfo, boolean]> {
  const testing = (declaration as ServiceDefinition | undefined)?.testing
  const info: ServiceInfo = { name: record.name, kind: record.kind, url: record.url, ...(testing && { testing }) }
  const prepare = testing && (await loadTesting(testing)).prepare
  if (!prepare || !declaration) return [record.name, info, false]
  const prepared = await prepare(info, declaration.options, { projectDir: settings.projectDir, progress })
  return [record.name, { ...info, ...prepared.info }, prepared.built]
}

/** The service each per-test fixture name binds to: the first in the config whose kind offers it. */
function fixtureBindings(definitions: Record<string, ServiceDefinition>): Record<string, string> {
  const bindings: Record<string, string> = {}
  for (const [name, definition] of Object.entries(definitions)) {
    if (definition.testing) bindings[definition.testing.fixture] ??= name
  }
  return bindings
}
