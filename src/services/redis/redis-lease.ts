import type { Redis, RedisOptions } from 'ioredis'
import { describeCause, TestbedError } from '../../core/errors.ts'
import { redactUrl } from '../../core/redact.ts'

/** A logical Redis database this worker alone uses, with a client on it. */
export interface RedisLease {
  db: number
  client: Redis
  /** Empties the database and checks the lease still holds (a FLUSHALL deletes it). */
  reset(): Promise<void>
  release(): Promise<void>
}

// Leases live in database 0, which tests never get: `testbed:redis-lease:<db>` holds the CLIENT ID
// of the connection that leased it, so a lease dies with its worker's connection, killed or not.
const KEY_PREFIX = 'testbed:redis-lease:'
const TAKE_OVER =
  "if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2]) return 1 end return 0"
const RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"

/**
 * Leases the first free logical database (1, 2, …) on the server at `url`, empties it, and connects
 * to it. `held`: how many this process holds already, for the message when none is free.
 */
export async function leaseRedisDatabase(url: string, { held = 0 } = {}): Promise<RedisLease> {
  const RedisClient = await importIoredis()
  const options: RedisOptions = { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null }
  const control = new RedisClient(url, { ...options, db: 0 })
  await control.connect()
  try {
    const id = String(await control.client('ID'))
    const db = await claimDatabase(control, id, await databaseCount(control), { url, held })
    const client = new RedisClient(url, { db })
    await client.flushdb()
    return lease(control, client, db, id)
  } catch (error) {
    control.disconnect()
    throw error
  }
}

function lease(control: Redis, client: Redis, db: number, id: string): RedisLease {
  const key = `${KEY_PREFIX}${db}`
  return {
    db,
    client,
    async reset() {
      await client.flushdb()
      if ((await control.set(key, id, 'NX')) === 'OK' || (await control.get(key)) === id) return
      throw leaseLost(db)
    },
    async release() {
      await client.quit().catch(() => client.disconnect())
      await control.eval(RELEASE, 1, key, id).catch(() => {})
      await control.quit().catch(() => control.disconnect())
    },
  }
}

async function claimDatabase(
  control: Redis,
  id: string,
  count: number,
  context: { url: string; held: number },
): Promise<number> {
  for (let db = 1; db < count; db++) {
    if (await claim(control, `${KEY_PREFIX}${db}`, id)) return db
  }
  throw new TestbedError('TESTBED_VITEST_REDIS_NO_DATABASE', {
    what: 'The `redis` fixture found no free logical database',
    subject: redactUrl(context.url),
    why: `Every test that runs while others do gets one of databases 1–${count - 1} to itself, and the tests running now hold them all (${context.held} in this worker)`,
    fix: 'Run fewer tests at once (`--maxWorkers`, `--maxConcurrency`), or give the server more databases: `redis({ settings: { databases: 1024 } })` when testbed starts it, `databases` in its redis.conf when it does not',
  })
}

async function claim(control: Redis, key: string, id: string): Promise<boolean> {
  if ((await control.set(key, id, 'NX')) === 'OK') return true
  const holder = await control.get(key)
  if (holder === null) return (await control.set(key, id, 'NX')) === 'OK'
  if (await isConnected(control, holder)) return false
  // The holder's connection is gone (its worker ended or was killed): take over, unless another worker just did.
  return (await control.eval(TAKE_OVER, 1, key, holder, id)) === 1
}

async function isConnected(control: Redis, clientId: string): Promise<boolean> {
  const clients = String(await control.client('LIST'))
  return clients.split('\n').some((line) => line.startsWith(`id=${clientId} `))
}

async function databaseCount(control: Redis): Promise<number> {
  try {
    const reply = (await control.config('GET', 'databases')) as string[]
    return Number(reply[1]) || 16
  } catch {
    // Managed servers may refuse CONFIG; 16 is Redis's default.
    return 16
  }
}

function leaseLost(db: number): TestbedError {
  return new TestbedError('TESTBED_VITEST_REDIS_LEASE_LOST', {
    what: 'The `redis` fixture lost the lease on its logical database',
    subject: `db ${db}`,
    why: 'Its lease key in database 0 was deleted or taken, usually by a FLUSHALL in a test, so another worker may use the same database',
    fix: 'Use FLUSHDB (or nothing: the fixture empties its database after each test) instead of FLUSHALL',
  })
}

/** ioredis's client class; `load` stands in for `import('ioredis')` in tests. */
export async function importIoredis(load: () => Promise<unknown> = () => import('ioredis')): Promise<typeof Redis> {
  try {
    const module = (await load()) as { Redis?: typeof Redis; default?: typeof Redis }
    return (module.Redis ?? module.default) as typeof Redis
  } catch (error) {
    throw new TestbedError(
      'TESTBED_VITEST_IOREDIS_MISSING',
      {
        what: 'The `redis` fixture needs the ioredis package',
        why: `Importing ioredis failed: ${describeCause(error)}`,
        fix: 'Install it next to testbed: npm install --save-dev ioredis',
      },
      { cause: error },
    )
  }
}
