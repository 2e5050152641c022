import { hashServices, type ServiceDeclaration } from '../core/config.ts'
import { kindVariable, serviceUrlVariable } from '../core/env.ts'
import { TestbedError } from '../core/errors.ts'
import { onProcessExit } from '../core/exit-hooks.ts'
import { type Progress, silentProgress } from '../core/progress.ts'
import { listRuns, Run, reapOrphans, type ServiceRecord } from '../core/run-registry.ts'
import { startWatchdog } from '../core/run-watchdog.ts'
import { onServerDeath, type ServerDeath } from '../providers/server-watch.ts'
import { resolveProvider } from './resolve-provider.ts'
import { isServiceDefinition, type ServiceDefinition } from './service-definition.ts'

export interface StartServicesOptions {
  /** The project the services belong to: later runs from it attach to services left running. */
  projectDir: string
  /** Leave the services running after this process exits (`testbed services up --detach`). */
  detach?: boolean
  /** Per service name, the key of a saved snapshot to start from when it exists (see `ServiceSet.snapshot`). */
  snapshots?: Record<string, string>
  progress?: Progress
  /** Serve every service with this provider (`testbed services up --provider docker`), like `provider` on each. */
  provider?: string
}

/** The services of one config, running: started by this process, or attached to ones another left running. */
export interface ServiceSet extends AsyncDisposable {
  services: ServiceRecord[]
  /** True when another process started them; `stop()` then leaves them running. */
  attached: boolean
  /**
   * `TESTBED_<NAME>_URL` for each service, `TESTBED_<KIND>_URL` for the first of each kind, and the
   * variables each kind exports besides (`ServiceDefinition.exports`).
   */
  env(): Record<string, string>
  /**
   * Saves the named service's data under `key` (a PostgreSQL cluster with its built templates), so a
   * later `startServices` with `snapshots: { [name]: key }` starts with what is in it now. False when
   * its kind takes no snapshots or this process did not start it.
   */
  snapshot(name: string, key: string): Promise<boolean>
  /**
   * Calls `listener` when a server this process started ends without being asked to (a crash, the
   * OOM killer, a `kill`), with a message naming it, how it ended and where its log is kept. Never
   * called for an attached set. Returns a function that stops listening.
   * @example
   * set.onServerDeath((death) => console.error(death.error.message))
   */
  onServerDeath(listener: (death: ServerDeath) => void): () => void
  stop(): Promise<void>
}

/**
 * Starts every declared service (in parallel), or attaches to a matching set left running by `testbed services up`.
 * @example
 * await using set = await startServices({ db: postgres() }, { projectDir: process.cwd() })
 * const url = set.env().TESTBED_DB_URL
 */
export async function startServices(
  declarations: Record<string, ServiceDeclaration>,
  options: StartServicesOptions,
): Promise<ServiceSet> {
  const definitions = asDefinitions(declarations)
  const progress = options.progress ?? silentProgress
  await reapOrphans()
  const configHash = hashServices(declarations)
  // Only detached sets: a set another test process owns stops when that process ends.
  const running = findRunningSet(options.projectDir, configHash)
  if (running?.record.detached) {
    progress.done(`attached to services left running by \`testbed services up\` (run ${running.record.id})`)
    return serviceSet(running, definitions, true)
  }
  const run = Run.create({ projectDir: options.projectDir, configHash, detached: false })
  const watchdog = startWatchdog(run)
  const removeExitHook = onProcessExit(() => stopRunSync(run))
  const release = async () => {
    removeExitHook()
    await watchdog.standDown()
  }
  try {
    // allSettled: when one service fails, the others must finish starting (and be recorded) before the run stops.
    const outcomes = await Promise.allSettled(
      Object.entries(definitions).map(([name, definition]) =>
        startOne(name, withProvider(definition, options.provider), run, progress, options.snapshots?.[name]),
      ),
    )
    const failure = outcomes.find((outcome) => outcome.status === 'rejected')
    if (failure) throw failure.reason
    run.orderServices(Object.keys(definitions))
  } catch (error) {
    await stopRun(run)
    await release()
    throw error
  }
  if (options.detach) {
    run.detach()
    await release()
  }
  return serviceSet(run, definitions, false, release)
}

/** The live set of services for this project, if `testbed services up` (or a running test process) has one. */
export function findRunningSet(projectDir: string, configHash?: string): Run | null {
  const runs = listRuns().filter(
    (run) => run.record.projectDir === projectDir && (configHash === undefined || run.record.configHash === configHash),
  )
  return runs.find((run) => run.record.detached && run.isLive()) ?? runs.find((run) => run.isLive()) ?? null
}

async function startOne(
  name: string,
  definition: ServiceDefinition,
  run: Run,
  progress: Progress,
  snapshotKey: string | undefined,
): Promise<void> {
  const resolution = await resolveProvider(name, definition)
  const started = await resolution.provider.start({ serviceName: name, run, progress, snapshotKey })
  // A server testbed started is recorded before it answers (so a killed start is reaped); one it did not, now.
  if (started.handle === null) {
    run.addService({
      name,
      kind: definition.kind,
      provider: 'external',
      url: started.url,
      version: started.version,
      handle: null,
    })
  }
}

function withProvider(definition: ServiceDefinition, provider: string | undefined): ServiceDefinition {
  return provider === undefined ? definition : { ...definition, options: { ...definition.options, provider } }
}

function serviceSet(
  run: Run,
  definitions: Record<string, ServiceDefinition>,
  attached: boolean,
  release: () => Promise<void> = async () => {},
): ServiceSet {
  const stop = async () => {
    if (attached) return
    await stopRun(run)
    await release()
  }
  const set: ServiceSet = {
    attached,
    services: run.record.services,
    env: () => serviceEnv(run.record.services, definitions),
    snapshot: async (name, key) => !attached && ((await definitions[name]?.snapshot?.(run, name, key)) ?? false),
    onServerDeath: (listener) => (attached ? () => {} : onServerDeath(run, listener)),
    stop,
    [Symbol.asyncDispose]: stop,
  }
  runs.set(set, run)
  return set
}

// The run behind each set: testbed's own record (its dir, its servers' handles), kept off the public object.
const runs = new WeakMap<ServiceSet, Run>()

/** The run a set started or attached to: its dir and record, for testbed's own commands and tests. */
export function runOf(set: ServiceSet): Run {
  const run = runs.get(set)
  if (!run) throw new Error('not a set startServices() returned')
  return run
}

/** The variables that point clients at `services`: the URL variables, and what each kind exports besides. */
export function serviceEnv(
  services: readonly ServiceRecord[],
  definitions: Record<string, ServiceDeclaration>,
): Record<string, string> {
  const env: Record<string, string> = {}
  for (const service of services) {
    env[kindVariable(service.kind, 'URL').name] ??= service.url
    env[serviceUrlVariable(service.name).name] = service.url
    const definition = definitions[service.name]
    // Like `TESTBED_<KIND>_URL`, a kind's own variables point at the first service of the kind.
    const exported = definition && isServiceDefinition(definition) ? definition.exports?.(service) : undefined
    for (const [variable, value] of Object.entries(exported ?? {})) env[variable] ??= value
  }
  return env
}

/** Stops the servers a run started and deletes its data dirs. */
export async function stopRun(run: Run): Promise<void> {
  await run.stopServices()
  run.remove()
}

function stopRunSync(run: Run): void {
  run.stopServicesSync()
  run.remove()
}

function asDefinitions(declarations: Record<string, ServiceDeclaration>): Record<string, ServiceDefinition> {
  for (const [name, declaration] of Object.entries(declarations)) {
    if (isServiceDefinition(declaration)) continue
    throw new TestbedError('TESTBED_CONFIG_INVALID', {
      what: 'Invalid service in testbed.config.ts',
      subject: `services.${name}`,
      why: 'A service must be declared with a service function such as `postgres()` or `redis()`',
      fix: `Write \`services: { ${name}: postgres() }\` with \`import { postgres } from 'testbed'\``,
    })
  }
  return declarations as Record<string, ServiceDefinition>
}
