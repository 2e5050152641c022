import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { describe, expect, test } from 'vitest'
import { runsDir } from '../../src/core/run-registry.ts'
import { wasContainerRemoved } from '../../src/core/service-handle.ts'
import type { ServerDeath } from '../../src/providers/server-watch.ts'
import { postgres } from '../../src/services/postgres/postgres-service.ts'
import { redis } from '../../src/services/redis/redis-service.ts'
import { runOf, startServices } from '../../src/services/service-set.ts'
import { pgQuery, redisPing } from '../test-utils/clients.ts'
import { containerEngineMissing, containersLabelled, docker, TEST_IMAGES } from '../test-utils/container-engine.ts'
import { tempDir } from '../test-utils/temp-dir.ts'

const missing = containerEngineMissing()
const pgImage = { provider: 'docker', image: TEST_IMAGES.postgres } as const
const redisImage = { provider: 'docker', image: TEST_IMAGES.redis } as const

function containerOf(set: { services: { handle: unknown }[] }): string {
  const handle = set.services[0]?.handle as { type: string; id: string }
  expect(handle.type).toBe('container')
  return handle.id
}

function redisConfig(url: string, name: string): string {
  return execFileSync('redis-cli', ['-u', url, '--no-auth-warning', 'config', 'get', name], { encoding: 'utf8' })
}

function inspect(id: string, format: string): string {
  return docker(['container', 'inspect', '--format', format, id]).stdout.trim()
}

describe.skipIf(missing).concurrent(`the docker provider${missing ? ` — skipped: ${missing}` : ''}`, () => {
  test('PostgreSQL: a real query answers on 127.0.0.1, durability off, data on tmpfs, its own password', async () => {
    await using set = await startServices({ db: postgres(pgImage) }, { projectDir: tempDir() })
    const url = set.services[0]?.url ?? ''
    expect(url).toMatch(/^postgresql:\/\/postgres:[\w-]{43}@127\.0\.0\.1:\d+\/postgres$/)
    expect(await pgQuery(url, 'SHOW fsync')).toEqual([{ fsync: 'off' }])
    expect(await pgQuery(url, 'SHOW synchronous_commit')).toEqual([{ synchronous_commit: 'off' }])
    const wrong = new URL(url)
    wrong.password = 'not-the-password'
    await expect(pgQuery(wrong.href, 'SELECT 1')).rejects.toThrow('password authentication failed for user "postgres"')
    const id = containerOf(set)
    expect(Object.keys(JSON.parse(inspect(id, '{{json .HostConfig.Tmpfs}}')))).toEqual(['/var/lib/postgresql'])
    expect(inspect(id, '{{(index (index .NetworkSettings.Ports "5432/tcp") 0).HostIp}}')).toBe('127.0.0.1')
    // The password is in a file put in the container, not in its environment or command line.
    const secret = new URL(url).password
    expect(inspect(id, '{{json .Config.Env}} {{json .Config.Cmd}}')).not.toContain(secret)
  })

  test('Redis: AUTH required, no persistence, data on tmpfs, the labels naming the run', async () => {
    await using set = await startServices({ cache: redis(redisImage) }, { projectDir: tempDir() })
    const url = set.services[0]?.url ?? ''
    expect(url).toMatch(/^redis:\/\/default:[\w-]{43}@127\.0\.0\.1:\d+$/)
    expect(await redisPing(url)).toBe('PONG')
    expect(await redisPing(`redis://127.0.0.1:${new URL(url).port}`)).toBe('NOAUTH Authentication required.')
    expect(redisConfig(url, 'save')).toBe('save\n\n')
    expect(redisConfig(url, 'appendonly')).toBe('appendonly\nno\n')
    const id = containerOf(set)
    expect(JSON.parse(inspect(id, '{{json .Config.Labels}}'))).toMatchObject({
      'dev.testbed.run': runOf(set).record.id,
      'dev.testbed.runs-dir': runsDir(),
      'dev.testbed.host': hostname(),
      'dev.testbed.service': 'cache',
    })
    expect(Object.keys(JSON.parse(inspect(id, '{{json .HostConfig.Tmpfs}}')))).toEqual(['/data'])
  })

  test('settings reach the server, on top of testbed’s', async () => {
    const settings = { max_connections: 42 }
    await using set = await startServices({ db: postgres({ ...pgImage, settings }) }, { projectDir: tempDir() })
    expect(await pgQuery(set.services[0]?.url ?? '', 'SHOW max_connections')).toEqual([{ max_connections: '42' }])
  })

  test('durable: true keeps each server’s own durability settings in its container', async () => {
    await using set = await startServices(
      { db: postgres({ ...pgImage, durable: true }), cache: redis({ ...redisImage, durable: true }) },
      { projectDir: tempDir() },
    )
    const [db, cache] = set.services
    expect(db?.name).toBe('db')
    expect(await pgQuery(db?.url ?? '', 'SHOW fsync')).toEqual([{ fsync: 'on' }])
    expect(await pgQuery(db?.url ?? '', 'SHOW synchronous_commit')).toEqual([{ synchronous_commit: 'on' }])
    expect(redisConfig(cache?.url ?? '', 'save')).not.toBe('save\n\n')
  })

  test('a container killed mid-run is reported like a local server: how it ended, its last log lines, its kept log', async () => {
    await using set = await startServices({ cache: redis(redisImage) }, { projectDir: tempDir() })
    const id = containerOf(set)
    const died = new Promise<ServerDeath>((resolve) => set.onServerDeath(resolve))
    docker(['container', 'kill', id])
    const death = await died
    const keptLog = `${process.env.TESTBED_STATE_DIR}/logs/${runOf(set).record.id}-cache.log`
    expect(death.keptLog).toBe(keptLog)
    expect(readFileSync(keptLog, 'utf8')).toContain('Ready to accept connections')
    expect(death.error.message.split('\n').slice(0, 2)).toEqual([
      `[testbed] Redis (docker, ${TEST_IMAGES.redis}) stopped in the middle of the run for service "cache": ${keptLog}.`,
      'The server was killed by SIGKILL although testbed did not ask it to stop; whatever uses it fails from here on, and the run fails with it. ' +
        'Its log is kept at that path and ends with the lines below; look there, and in `dmesg` for the kernel’s out-of-memory killer, for what ended it, then run again.',
    ])
  })

  test('stopping the set is not a death: the watcher knows testbed removed the container', async () => {
    const set = await startServices({ cache: redis(redisImage) }, { projectDir: tempDir() })
    const id = containerOf(set)
    expect(wasContainerRemoved(id)).toBe(false)
    await set.stop()
    expect(wasContainerRemoved(id)).toBe(true)
  })

  test('stop() removes the container and its volumes', async () => {
    const set = await startServices({ cache: redis(redisImage) }, { projectDir: tempDir() })
    const id = containerOf(set)
    await set.stop()
    expect(docker(['container', 'inspect', id]).status).not.toBe(0)
    expect(containersLabelled(`dev.testbed.run=${runOf(set).record.id}`)).toEqual([])
  })
})
