// The test side of `redis()`: a logical database per test. The service layer names this module
// (`siblingFile`) and never imports it; the Vitest integration loads it.
import type { Redis } from 'ioredis'
import type { FixtureContext, ServiceFixture, TestedService } from '../service-testing.ts'
import type { RedisLease } from './redis-lease.ts'

/**
 * Leases, one per test running at once in this worker: a test gets one no test uses now, else a
 * newly leased one. Sequential tests so share one database; concurrent tests each get their own.
 */
export function createFixture(service: TestedService, _context: FixtureContext): ServiceFixture<Redis> {
  const leases: Array<Promise<RedisLease>> = []
  const idle: RedisLease[] = []
  const inUse = new Map<Redis, RedisLease>()
  const lease = (): Promise<RedisLease> => {
    const free = idle.pop()
    if (free) return Promise.resolve(free)
    const held = leases.length
    const leasing = import('./redis-lease.ts').then(({ leaseRedisDatabase }) =>
      leaseRedisDatabase(service.url, { held }),
    )
    leases.push(leasing)
    leasing.catch(() => leases.splice(leases.indexOf(leasing), 1))
    return leasing
  }
  return {
    async begin() {
      const leased = await lease()
      inUse.set(leased.client, leased)
      return leased.client
    },
    // Empties the test's database and keeps it for the next test; a lease found lost is let go.
    async end(client) {
      const leased = inUse.get(client)
      if (!leased) return undefined
      inUse.delete(client)
      try {
        await leased.reset()
      } catch (error) {
        await leased.release()
        throw error
      }
      idle.push(leased)
      return undefined
    },
    async close() {
      const settled = await Promise.allSettled(leases)
      await Promise.all(
        settled.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value.release() : undefined)),
      )
    },
  }
}
