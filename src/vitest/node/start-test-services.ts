import type { ServiceDeclaration } from '../../core/config.ts'
import { loadConfig } from '../../core/config-loader.ts'
import { ENV, readEnv } from '../../core/env.ts'
import { createConsoleProgress, type Progress, silentProgress } from '../../core/progress.ts'
import type { ServiceRecord } from '../../core/run-registry.ts'
import { ensureTemplate } from '../../isolation/templates/ensure-template.ts'
import { templateSnapshotKey } from '../../isolation/templates/template-hash.ts'
import { configuredServices } from '../../services/default-services.ts'
import type { FirestoreOptions } from '../../services/firestore/firestore-options.ts'
import type { PostgresOptions } from '../../services/postgres/postgres-options.ts'
import { checkProviders, forcedProvider } from '../../services/resolve-provider.ts'
import type { ServiceDefinition } from '../../services/service-definition.ts'
import { type ServiceSet, startServices } from '../../services/service-set.ts'
import type { ServiceInfo } from '../provided.ts'
import type { TestbedSettings } from '../settings.ts'
import { templateSourceFor } from '../shared/template-inputs.ts'
import type { ServicesReport } from './run-state.ts'

export interface UnavailableService {
  kind: string
  line: string
}

export interface TestServices {
  set: ServiceSet
  services: Record<string, ServiceInfo>
  /** Services set aside because this machine cannot provide them, by name: their kind and the line that says how to get them. */
  unavailable: Record<string, UnavailableService>
  report: ServicesReport
}

/** Starts (or attaches to) the configured services, then builds each PostgreSQL service's template. */
export async function startTestServices(settings: TestbedSettings): Promise<TestServices> {
  const loaded = await loadConfig(settings.projectDir, settings.configFile ?? undefined)
  const progress = readEnv(ENV.quiet) ? silentProgress : createConsoleProgress(process.stderr)
  const { declarations, unavailable } = await setAsideUnavailable(configuredServices(loaded.config))
  for (const { line } of Object.values(unavailable)) progress.warn(line)
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
      report: {
        started: true,
        reason: null,
        attached: set.attached,
        servicesMs,
        templatesMs,
        templatesBuilt,
        startedAt,
        services: set.services.map(({ name, kind, provider, version }) => ({ name, kind, provider, version })),
        unavailable: Object.values(unavailable).map(({ line }) => line),
      },
    }
  } catch (error) {
    await set.stop()
    throw error
  }
}

// Redis and Firestore are optional for a suite: without their server (and no URL), the tests that
// use them are skipped with one line saying how to get it, instead of failing the whole run.
// PostgreSQL always has the embedded provider, and a forced provider that is missing stays an error.
const OPTIONAL_KINDS: Record<string, { label: string; variable: string }> = {
  redis: { label: 'Redis', variable: 'TESTBED_REDIS_URL' },
  firestore: { label: 'Firestore emulator', variable: 'FIRESTORE_EMULATOR_HOST' },
}

async function setAsideUnavailable(all: Record<string, ServiceDeclaration>): Promise<{
  declarations: Record<string, ServiceDeclaration>
  unavailable: Record<string, UnavailableService>
}> {
  const declarations: Record<string, ServiceDeclaration> = {}
  const unavailable: Record<string, UnavailableService> = {}
  for (const [name, declaration] of Object.entries(all)) {
    const line =
      declaration.kind in OPTIONAL_KINDS ? await unavailableLine(name, declaration as ServiceDefinition) : null
    if (line) unavailable[name] = { kind: declaration.kind, line }
    else declarations[name] = declaration
  }
  return { declarations, unavailable }
}

async function unavailableLine(name: string, definition: ServiceDefinition): Promise<string | null> {
  if (forcedProvider(definition)) return null
  const checks = await checkProviders(name, definition)
  if (checks.some((check) => check.detection.available)) return null
  if (definition.kind === 'redis') {
    return `${name}: no Redis on this machine, so the tests that use it are skipped. Install redis-server (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis), or set TESTBED_REDIS_URL to a running server.`
  }
  const local = checks.find((check) => check.provider.name === 'local')?.detection
  const why = local && !local.available ? `${local.reason}; to fix: ${local.fix}` : 'no provider is available'
  return `${name}: no ${OPTIONAL_KINDS[definition.kind]?.label} on this machine, so the tests that use it are skipped. ${capitalize(why)}.`
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

// A server this run starts from scratch would rebuild its templates every run; a snapshot of the
// cluster taken after a build lets the next run start with them (an unchanged schema costs nothing).
async function snapshotKeys(
  declarations: Record<string, ServiceDeclaration>,
  baseDir: string,
): Promise<Record<string, string>> {
  const keys: Record<string, string> = {}
  for (const [name, declaration] of Object.entries(declarations)) {
    if (declaration.kind !== 'postgres') continue
    keys[name] = await templateSnapshotKey(await templateSourceFor(declaration.options as PostgresOptions, baseDir))
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
  const info: ServiceInfo = { name: record.name, kind: record.kind, url: record.url }
  if (record.kind === 'firestore') {
    const { seeds } = (declaration?.options ?? {}) as FirestoreOptions
    return [record.name, { ...info, ...(seeds && { seeds }) }, false]
  }
  if (record.kind !== 'postgres') return [record.name, info, false]
  const { migrations, seeds, fixtures } = (declaration?.options ?? {}) as PostgresOptions
  const source = await templateSourceFor({ migrations, seeds, fixtures }, settings.projectDir)
  const template = await ensureTemplate(record.url, source, { progress })
  info.template = {
    name: template.name,
    ...(migrations && { migrations }),
    ...(seeds && { seeds }),
    ...(fixtures && { fixtures }),
  }
  return [record.name, info, template.built]
}
