import { join } from 'node:path'
import type { Run } from '../../core/run-registry.ts'
import { stopHandle } from '../../core/service-handle.ts'
import { beginLocalStart, type ServerSpec, startOnFreePort, startServer } from '../../providers/local-server.ts'
import type { StartContext, StartedService } from '../../providers/provider.ts'
import type { RunAsUser } from '../../providers/run-as-user.ts'
import { prepareDataDir, SUPERUSER, saveSnapshot } from './initdb-cache.ts'
import { type PostgresBinaries, reachableBinaries } from './postgres-binaries.ts'
import type { PostgresOptions } from './postgres-options.ts'
import { DURABILITY_OFF, settingArgs } from './postgres-settings.ts'
import {
  createSuperuserPassword,
  lockSuperuser,
  type SuperuserPassword,
  socketUrl,
  unlockSuperuser,
} from './superuser-password.ts'

// Dynamic shared memory in the data dir rather than /dev/shm: a killed server's segments go with it.
const SHARED_MEMORY = { dynamic_shared_memory_type: 'mmap' }
// Sized for tests, by bench/server-memory.ts (docs/performance.md): test data fits in a few MB, and
// every page of shared_buffers a process touches counts in the memory the server takes. From 18 on,
// reads go through 3 I/O worker processes by default; a test server's data is in the page cache.
const TEST_SIZED_SETTINGS = { shared_buffers: '16MB' }
const TEST_SIZED_SETTINGS_18 = { ...TEST_SIZED_SETTINGS, io_method: 'sync' }

/** Starts a private PostgreSQL from `binaries`: temp data dir, loopback port and unix socket, durability off. */
export async function startPostgresServer(
  found: PostgresBinaries,
  provider: string,
  options: PostgresOptions,
  context: StartContext,
): Promise<StartedService> {
  const label = `PostgreSQL ${found.version} (${provider})`
  const { runAs, serviceDir, ...local } = await beginLocalStart(context, label, options.port)
  const dataDir = join(serviceDir, 'data')
  const binaries = await reachableBinaries(found, runAs)
  const target = { dataDir, runAs, label, serviceName: context.serviceName, progress: context.progress }
  const cache = await prepareDataDir(binaries, target, context.snapshotKey)
  const password = createSuperuserPassword()
  const startOn = (port: number) =>
    startOnPort(binaries, provider, options, context, { serviceDir, dataDir, port, runAs, label, password })
  return startOnFreePort(context, { runAs, serviceDir, ...local }, options.port, startOn, `${cache} start`)
}

interface ServerPlace {
  serviceDir: string
  dataDir: string
  port: number
  runAs: RunAsUser | null
  label: string
  password: SuperuserPassword
}

async function startOnPort(
  binaries: PostgresBinaries,
  provider: string,
  options: PostgresOptions,
  context: StartContext,
  place: ServerPlace,
): Promise<StartedService> {
  const url = `postgresql://${SUPERUSER}:${place.password.password}@127.0.0.1:${place.port}/postgres`
  const socket = socketUrl(place.serviceDir, place.port)
  const settings = {
    // Durability off unless `durable: true`, which keeps PostgreSQL's own to match production timing.
    ...(options.durable ? {} : DURABILITY_OFF),
    ...SHARED_MEMORY,
    ...(Number.parseInt(binaries.version, 10) >= 18 ? TEST_SIZED_SETTINGS_18 : TEST_SIZED_SETTINGS),
    ...options.settings,
    listen_addresses: '127.0.0.1',
    unix_socket_directories: place.serviceDir,
    unix_socket_permissions: '0700',
  }
  const spec: ServerSpec = {
    label: place.label,
    serviceName: context.serviceName,
    command: binaries.postgres,
    args: ['-D', place.dataDir, '-p', String(place.port), ...settingArgs(settings)],
    runAs: place.runAs,
    logFile: join(place.serviceDir, 'postgres.log'),
    // SIGINT is PostgreSQL's "fast shutdown": it ends sessions, then exits cleanly.
    stopSignal: 'SIGINT',
    startTimeoutMs: options.startTimeout ?? 30_000,
    // Until this sets the password, no one can log in over TCP: the role has none, and TCP requires one.
    isReady: () => lockSuperuser(socket, place.password.verifier),
    record: { name: context.serviceName, kind: 'postgres', provider, url, version: binaries.version },
  }
  const handle = await startServer(spec, context.run, portTaken)
  restartable.set(restartKey(context.run, context.serviceName), {
    spec,
    binaries,
    dataDir: place.dataDir,
    socket,
  })
  return { url, version: binaries.version, handle }
}

/**
 * Saves the cluster of a server this process started as the snapshot for `key` (stop, pack, start
 * again on the same port), so the next run starts with the templates already built. False when the
 * service is not a PostgreSQL this process started.
 */
export async function snapshotPostgres(run: Run, serviceName: string, key: string): Promise<boolean> {
  const server = restartable.get(restartKey(run, serviceName))
  const record = run.record.services.find((service) => service.name === serviceName)
  if (!server || !record?.handle) return false
  await unlockSuperuser(server.socket)
  await stopHandle(record.handle)
  await saveSnapshot(server.binaries, server.dataDir, key)
  await startServer(server.spec, run, portTaken)
  return true
}

interface RestartableServer {
  spec: ServerSpec
  binaries: PostgresBinaries
  dataDir: string
  socket: string
}

// Process-wide, not module-wide: the config file (loaded through jiti) and the test runner can hold
// two copies of this module, and the copy that started a server is not always the one snapshotting it.
const REGISTRY = Symbol.for('testbed.postgres.restartable')
const restartable = processWideMap<RestartableServer>(REGISTRY)

function processWideMap<T>(key: symbol): Map<string, T> {
  const global = globalThis as Record<symbol, Map<string, T> | undefined>
  const existing = global[key]
  if (existing) return existing
  const created = new Map<string, T>()
  global[key] = created
  return created
}

function restartKey(run: Run, serviceName: string): string {
  return `${run.dir}\0${serviceName}`
}

function portTaken(log: string): boolean {
  return log.includes('could not bind') || log.includes('Address already in use')
}
