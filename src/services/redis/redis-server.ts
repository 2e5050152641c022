import { join } from 'node:path'
import { formatMs } from '../../core/progress.ts'
import { redactUrl } from '../../core/redact.ts'
import { assertPortFree, ephemeralPort } from '../../providers/free-port.ts'
import { PortTakenError, startServer } from '../../providers/local-server.ts'
import type { StartContext, StartedService } from '../../providers/provider.ts'
import { makeServiceDir } from '../../providers/service-dir.ts'
import type { RedisBinary } from './redis-binaries.ts'
import type { RedisOptions } from './redis-options.ts'
import { probeRedis } from './redis-probe.ts'

const PORT_ATTEMPTS = 3
const DATABASES = 256

/** Starts a private Redis (or Valkey): loopback port and unix socket, no persistence. */
export async function startRedisServer(
  binary: RedisBinary,
  options: RedisOptions,
  context: StartContext,
): Promise<StartedService> {
  const started = Date.now()
  // Redis, unlike PostgreSQL, runs as root without complaint, so it runs as the caller.
  const serviceDir = makeServiceDir(context.run, context.serviceName, null)
  const label = `${binary.flavor} ${binary.version} (local)`
  context.progress.step(`${context.serviceName}: starting ${label}`)
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await ephemeralPort())
    if (options.port !== undefined) await assertPortFree(port, context.serviceName, label)
    try {
      const service = await startOnPort(binary, options, context, { serviceDir, port, label })
      context.progress.done(
        `${context.serviceName}: ${label} ready in ${formatMs(Date.now() - started)} at ${redactUrl(service.url)}`,
      )
      return service
    } catch (error) {
      if (!(error instanceof PortTakenError) || options.port !== undefined || attempt === PORT_ATTEMPTS) throw error
    }
  }
}

async function startOnPort(
  binary: RedisBinary,
  options: RedisOptions,
  context: StartContext,
  place: { serviceDir: string; port: number; label: string },
): Promise<StartedService> {
  const password = options.settings?.requirepass
  const credentials = password === undefined ? '' : `:${encodeURIComponent(String(password))}@`
  const url = `redis://${credentials}127.0.0.1:${place.port}`
  const args = [
    '--port',
    String(place.port),
    '--bind',
    '127.0.0.1',
    '--unixsocket',
    join(place.serviceDir, 'redis.sock'),
    '--dir',
    place.serviceDir,
    // No persistence: a test server's data is thrown away.
    '--save',
    '',
    '--appendonly',
    'no',
    '--daemonize',
    'no',
    // A logical database per test running at once (the `redis` fixture); Redis's 16 run out with a
    // few workers of concurrent tests. About 400 bytes each. `settings.databases` still wins.
    '--databases',
    String(DATABASES),
    ...Object.entries(options.settings ?? {}).flatMap(([name, value]) => [`--${name}`, String(value)]),
  ]
  const process = await startServer(
    {
      label: place.label,
      serviceName: context.serviceName,
      command: binary.path,
      args,
      runAs: null,
      logFile: join(place.serviceDir, 'redis.log'),
      stopSignal: 'SIGTERM',
      startTimeoutMs: options.startTimeout ?? 30_000,
      isReady: async () => (await probeRedis(url, 1000)).ok,
      record: { name: context.serviceName, kind: 'redis', provider: 'local', url, version: binary.version },
    },
    context.run,
    (log) => log.includes('Address already in use'),
  )
  return { url, version: binary.version, process, stopSignal: 'SIGTERM' }
}
