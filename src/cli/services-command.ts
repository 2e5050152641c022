import { TestbedError } from '../core/errors.ts'
import { redactUrl } from '../core/redact.ts'
import { listRuns, type Run, reapOrphans, type ServiceRecord } from '../core/run-registry.ts'
import { describeHandle } from '../core/service-handle.ts'
import { sweepOrphanContainers } from '../providers/container/container-sweep.ts'
import type { ServerDeath } from '../providers/server-watch.ts'
import { clientEnv, libpqConninfo } from '../services/client-env.ts'
import { findRunningSet, type ServiceSet, serviceEnv, startServices, stopRun } from '../services/service-set.ts'
import { type CliContext, loadProjectServices, print, progressFor } from './cli-context.ts'
import { envFormat, formatEnv } from './env-format.ts'
import { postgresService } from './postgres-service-choice.ts'

/**
 * `testbed services up [--detach] [--provider NAME]`: starts the configured services (every one by
 * that provider); in the foreground until Ctrl-C, or detached.
 */
export async function servicesUp(
  context: CliContext,
  options: { detach: boolean; provider?: string },
): Promise<number> {
  const { detach, provider } = options
  const project = await loadProjectServices(context)
  const set = await startServices(project.services, {
    projectDir: project.projectDir,
    detach,
    progress: progressFor(context),
    ...(provider === undefined ? {} : { provider }),
  })
  printTable(context, set.services)
  if (set.attached || detach) {
    print(
      context.stderr,
      `Services keep running. Use them with \`eval "$(npx testbed services env)"\`; stop them with \`npx testbed services down\`.`,
    )
    return 0
  }
  print(context.stderr, 'Services run until you press Ctrl-C.')
  const death = await untilSignalOrDeath(set)
  if (death) print(context.stderr, death.error.message)
  await set.stop()
  print(context.stderr, death ? 'Stopped the other services.' : 'Stopped.')
  return death ? 1 : 0
}

/** `testbed services down [--all]`: stops services left running for this project (or every project). */
export async function servicesDown(context: CliContext, all: boolean): Promise<number> {
  const projectDir = all ? null : (await loadProjectServices(context)).projectDir
  await reapOrphans()
  // Containers a killed run created but never recorded: no record names them, their labels do.
  await sweepOrphanContainers()
  const runs = listRuns().filter(
    (run) => run.record.detached && (projectDir === null || run.record.projectDir === projectDir),
  )
  if (runs.length === 0) {
    print(context.stderr, `No detached services were running${projectDir ? ` for ${projectDir}` : ''}.`)
    return 0
  }
  await Promise.all(runs.map(stopRun))
  const count = runs.reduce((sum, run) => sum + run.record.services.length, 0)
  print(context.stderr, `Stopped ${count} service${count === 1 ? '' : 's'} and removed their data.`)
  return 0
}

/** `testbed services status [--all]`: what runs, where, since when. Exits 1 when nothing runs. */
export async function servicesStatus(context: CliContext, all: boolean): Promise<number> {
  const projectDir = all ? null : (await loadProjectServices(context)).projectDir
  await reapOrphans()
  const runs = listRuns().filter((run) => run.isLive() && (projectDir === null || run.record.projectDir === projectDir))
  if (runs.length === 0) {
    print(
      context.stderr,
      `No services are running${projectDir ? ` for ${projectDir}` : ''}. Start them with \`npx testbed services up --detach\`.`,
    )
    return 1
  }
  for (const run of runs) printRun(context, run)
  return 0
}

/**
 * `testbed services env [--format shell|dotenv|json|libpq] [--service name]`: the running services'
 * addresses as variables (`TESTBED_*_URL`, `DATABASE_URL`, `PG*`, `REDIS_URL`), or with `libpq` a
 * connection string of one PostgreSQL service (the first, or `--service`).
 */
export async function servicesEnv(
  context: CliContext,
  options: { format?: string; service?: string },
): Promise<number> {
  const format = envFormat(options.format)
  const { services, declarations } = await runningServices(context)
  if (format === 'libpq') {
    print(context.stdout, libpqConninfo(postgresService(services, options.service).url))
    return 0
  }
  const chosen = options.service ? [postgresService(services, options.service)] : services
  print(context.stdout, formatEnv({ ...serviceEnv(services, declarations), ...clientEnv(chosen) }, format))
  return 0
}

/** The services of the run `testbed services up` left for this project, and their declarations. */
export async function runningServices(context: CliContext) {
  const { projectDir, services: declarations } = await loadProjectServices(context)
  const run = findRunningSet(projectDir)
  if (!run) throw notRunning(projectDir)
  // In the config's order, so "the first PostgreSQL service" is the first declared, not the first ready.
  const order = Object.keys(declarations)
  const services = [...run.record.services].sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name))
  return { services: services as readonly ServiceRecord[], declarations }
}

function printRun(context: CliContext, run: Run): void {
  const mode = run.record.detached ? 'detached' : `owned by pid ${run.record.owner.pid}`
  print(context.stdout, `${run.record.projectDir} (run ${run.record.id}, ${mode}, since ${run.record.createdAt})`)
  printTable(context, run.record.services, context.stdout)
}

function printTable(context: CliContext, services: readonly ServiceRecord[], stream = context.stderr): void {
  const rows = services.map((service) => [
    `  ${service.name}`,
    service.kind,
    service.version,
    service.provider,
    service.handle ? describeHandle(service.handle) : 'external',
    redactUrl(service.url),
  ])
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? []
  for (const row of rows)
    print(
      stream,
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    )
}

// Resolves on Ctrl-C or SIGTERM with null, or with the death of a server (which ends the command, failed).
function untilSignalOrDeath(set: ServiceSet): Promise<ServerDeath | null> {
  // Signal listeners do not keep the event loop alive; without this timer the process would end at once.
  const keepAlive = setInterval(() => {}, 2 ** 30)
  return new Promise((resolve) => {
    const end = (death: ServerDeath | null) => {
      clearInterval(keepAlive)
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
      stopListening()
      resolve(death)
    }
    const onSignal = () => end(null)
    process.once('SIGINT', onSignal)
    process.once('SIGTERM', onSignal)
    const stopListening = set.onServerDeath(end)
  })
}

function notRunning(projectDir: string): TestbedError {
  return new TestbedError('TESTBED_SERVICE_NOT_RUNNING', {
    what: 'No services are running for this project',
    subject: projectDir,
    why: '`testbed services env` and `testbed psql` use the services started by `testbed services up`, and none are up',
    fix: 'Run `npx testbed services up --detach` first',
  })
}
