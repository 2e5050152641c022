import { join } from 'node:path'
import { formatMs } from '../../core/progress.ts'
import { redactUrl } from '../../core/redact.ts'
import { assertPortFree, ephemeralPort } from '../../providers/free-port.ts'
import { PortTakenError, startServer } from '../../providers/local-server.ts'
import type { ProviderName, StartContext, StartedService } from '../../providers/provider.ts'
import { type RunAsUser, unprivilegedUser } from '../../providers/run-as-user.ts'
import { makeServiceDir } from '../../providers/service-dir.ts'
import { prepareDataDir, SUPERUSER } from './initdb-cache.ts'
import type { PostgresBinaries } from './postgres-binaries.ts'
import type { PostgresOptions } from './postgres-options.ts'
import { probePostgres } from './postgres-probe.ts'

// Durability off: a test server's data is thrown away, so waiting for disks buys nothing.
const FAST_SETTINGS = { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' }
const PORT_ATTEMPTS = 3

/** Starts a private PostgreSQL from `binaries`: temp data dir, loopback port and unix socket, durability off. */
export async function startPostgresServer(
  binaries: PostgresBinaries,
  provider: ProviderName,
  options: PostgresOptions,
  context: StartContext,
): Promise<StartedService> {
  const started = Date.now()
  const runAs = unprivilegedUser()
  const serviceDir = makeServiceDir(context.run, context.serviceName, runAs)
  const dataDir = join(serviceDir, 'data')
  const label = `PostgreSQL ${binaries.version} (${provider})`
  context.progress.step(`${context.serviceName}: starting ${label}`)
  // Checked before initdb, so a taken port fails at once rather than after the slow part.
  if (options.port !== undefined) await assertPortFree(options.port, context.serviceName, label)
  const cache = await prepareDataDir(binaries, dataDir, runAs)
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await ephemeralPort())
    try {
      const service = await startOnPort(binaries, provider, options, context, {
        serviceDir,
        dataDir,
        port,
        runAs,
        label,
      })
      context.progress.done(
        `${context.serviceName}: ${label} ready in ${formatMs(Date.now() - started)} (${cache} start) at ${redactUrl(service.url)}`,
      )
      return service
    } catch (error) {
      if (!(error instanceof PortTakenError) || options.port !== undefined || attempt === PORT_ATTEMPTS) throw error
    }
  }
}

interface ServerPlace {
  serviceDir: string
  dataDir: string
  port: number
  runAs: RunAsUser | null
  label: string
}

async function startOnPort(
  binaries: PostgresBinaries,
  provider: ProviderName,
  options: PostgresOptions,
  context: StartContext,
  place: ServerPlace,
): Promise<StartedService> {
  const url = `postgresql://${SUPERUSER}@127.0.0.1:${place.port}/postgres`
  const settings = {
    ...FAST_SETTINGS,
    ...options.settings,
    listen_addresses: '127.0.0.1',
    unix_socket_directories: place.serviceDir,
  }
  const process = await startServer(
    {
      label: place.label,
      serviceName: context.serviceName,
      command: binaries.postgres,
      args: ['-D', place.dataDir, '-p', String(place.port), ...settingArgs(settings)],
      runAs: place.runAs,
      logFile: join(place.serviceDir, 'postgres.log'),
      // SIGINT is PostgreSQL's "fast shutdown": it ends sessions, then exits cleanly.
      stopSignal: 'SIGINT',
      startTimeoutMs: options.startTimeout ?? 30_000,
      isReady: async () => (await probePostgres(url, 1000)).ok,
      record: { name: context.serviceName, kind: 'postgres', provider, url, version: binaries.version },
    },
    context.run,
    (log) => log.includes('could not bind') || log.includes('Address already in use'),
  )
  return { url, version: binaries.version, process, stopSignal: 'SIGINT' }
}

function settingArgs(settings: Record<string, string | number | boolean>): string[] {
  return Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`])
}
