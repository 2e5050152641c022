import { randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beginLocalStart, startOnFreePort, startServer } from '../../providers/local-server.ts'
import type { StartContext, StartedService } from '../../providers/provider.ts'
import { reachableInstall } from '../../providers/reachable-install.ts'
import { chownTree, type RunAsUser } from '../../providers/run-as-user.ts'
import type { RedisBinary } from './redis-binaries.ts'
import { redisConfig, settingArgs } from './redis-config.ts'
import type { RedisOptions } from './redis-options.ts'
import { probeRedis } from './redis-probe.ts'

/** Starts a private Redis (or Valkey): loopback port and unix socket, a password, no persistence. */
export async function startRedisServer(
  binary: RedisBinary,
  options: RedisOptions,
  context: StartContext,
): Promise<StartedService> {
  // Redis would run as root without complaint; it runs unprivileged like PostgreSQL, so a test
  // server never holds root's powers (SAVE, CONFIG SET dir … would write files as root).
  const local = await beginLocalStart(context, `${binary.flavor} ${binary.version} (local)`, options.port)
  const { serviceDir, runAs, label } = local
  const command = await reachableInstall(binary.path, runAs)
  const password = String(options.settings?.requirepass ?? randomBytes(32).toString('base64url'))
  const startOn = (port: number) =>
    startOnPort(binary, options, context, { serviceDir, port, label, runAs, password, command })
  return startOnFreePort(context, local, options.port, startOn)
}

interface RedisPlace {
  serviceDir: string
  port: number
  label: string
  runAs: RunAsUser | null
  password: string
  command: string
}

async function startOnPort(
  binary: RedisBinary,
  options: RedisOptions,
  context: StartContext,
  place: RedisPlace,
): Promise<StartedService> {
  const url = `redis://${userFor(binary)}:${encodeURIComponent(place.password)}@127.0.0.1:${place.port}`
  const { requirepass: _inTheFile, ...settings } = options.settings ?? {}
  const args = [writeConfig(place, options.durable ?? false), ...settingArgs(settings)]
  const handle = await startServer(
    {
      label: place.label,
      serviceName: context.serviceName,
      command: place.command,
      args,
      runAs: place.runAs,
      logFile: join(place.serviceDir, 'redis.log'),
      stopSignal: 'SIGTERM',
      startTimeoutMs: options.startTimeout ?? 30_000,
      isReady: async () => (await probeRedis(url, 1000)).ok,
      record: { name: context.serviceName, kind: 'redis', provider: 'local', url, version: binary.version },
    },
    context.run,
    (log) => log.includes('Address already in use'),
  )
  return { url, version: binary.version, handle }
}

// redis-cli 7 ignores a password without a user (`redis://:secret@…`); Redis before 6 has no users.
function userFor(binary: RedisBinary): string {
  return Number.parseInt(binary.version, 10) >= 6 ? 'default' : ''
}

// The password goes in a file only the server account can read, never on the command line, which
// every account sees in `ps`. User settings follow on the command line and override these.
function writeConfig(place: RedisPlace, durable: boolean): string {
  const file = join(place.serviceDir, 'redis.conf')
  const lines: [string, string][] = [
    ['port', String(place.port)],
    ['bind', '127.0.0.1'],
    ['unixsocket', join(place.serviceDir, 'redis.sock')],
    ['unixsocketperm', '700'],
    ['dir', place.serviceDir],
    ['daemonize', 'no'],
  ]
  writeFileSync(file, redisConfig(lines, place.password, { durable }), { mode: 0o600 })
  chownTree(file, place.runAs)
  return file
}
