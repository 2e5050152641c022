import { Redis } from 'ioredis'
import { describe, expect, test } from 'vitest'
import { redactUrl } from '../../src/core/redact.ts'
import { leaseRedisDatabase, type RedisLease } from '../../src/services/redis/redis-lease.ts'
import { redis } from '../../src/services/redis/redis-service.ts'
import { startServices } from '../../src/services/service-set.ts'
import { tempDir } from '../test-utils/temp-dir.ts'

// The `redis` fixture's leases, against a real server with databases 0–2: 1 and 2 can be leased.
async function withServer(run: (url: string) => Promise<void>): Promise<void> {
  await using set = await startServices({ cache: redis({ settings: { databases: 3 } }) }, { projectDir: tempDir() })
  await run(set.services[0]?.url as string)
}

async function releaseAll(...leases: RedisLease[]): Promise<void> {
  await Promise.all(leases.map((lease) => lease.release()))
}

describe.concurrent('leaseRedisDatabase', () => {
  test('a server testbed starts has databases 1–255 to lease, one per test running at once', async () => {
    await using set = await startServices({ cache: redis() }, { projectDir: tempDir() })
    const admin = new Redis(set.services[0]?.url as string)
    expect(await admin.config('GET', 'databases')).toEqual(['databases', '256'])
    admin.disconnect()
  })

  test('gives live leases different databases, fails when none is free, and hands a released one out again', () =>
    withServer(async (url) => {
      const [first, second] = await Promise.all([leaseRedisDatabase(url), leaseRedisDatabase(url)])
      expect([first.db, second.db].sort()).toEqual([1, 2])
      await expect(leaseRedisDatabase(url, { held: 2 })).rejects.toThrow(
        `[testbed] The \`redis\` fixture found no free logical database: ${redactUrl(url)}.\n` +
          'Every test that runs while others do gets one of databases 1–2 to itself, and the tests running now hold them all (2 in this worker). ' +
          'Run fewer tests at once (`--maxWorkers`, `--maxConcurrency`), or give the server more databases: ' +
          '`redis({ settings: { databases: 1024 } })` when testbed starts it, `databases` in its redis.conf when it does not.',
      )
      await first.release()
      const third = await leaseRedisDatabase(url)
      expect(third.db).toBe(first.db)
      await releaseAll(second, third)
    }))

  test('takes over a lease whose connection is gone (a killed worker), and empties the database first', () =>
    withServer(async (url) => {
      const admin = new Redis(url)
      await admin.set('testbed:redis-lease:1', '999999')
      await admin.select(1)
      await admin.set('left-behind', 'by a killed worker')
      const lease = await leaseRedisDatabase(url)
      expect(lease.db).toBe(1)
      expect(await lease.client.dbsize()).toBe(0)
      await lease.release()
      admin.disconnect()
    }))

  test('reset() empties the database, and fails once a FLUSHALL deleted the lease', () =>
    withServer(async (url) => {
      const lease = await leaseRedisDatabase(url)
      await lease.client.set('key', 'value')
      await lease.reset()
      expect(await lease.client.dbsize()).toBe(0)
      await lease.client.flushall()
      // The next reset restores the lease key when no one took it meanwhile; then a worker takes it.
      await lease.reset()
      const admin = new Redis(url)
      await admin.set(`testbed:redis-lease:${lease.db}`, 'another worker')
      await expect(lease.reset()).rejects.toThrow(
        `[testbed] The \`redis\` fixture lost the lease on its logical database: db ${lease.db}.\n` +
          'Its lease key in database 0 was deleted or taken, usually by a FLUSHALL in a test, so another worker may use the same database. ' +
          'Use FLUSHDB (or nothing: the fixture empties its database after each test) instead of FLUSHALL.',
      )
      admin.disconnect()
      await lease.release()
    }))
})
