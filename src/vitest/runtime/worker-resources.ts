import { inject } from 'vitest'
import type { IsolationSetting } from '../../core/config.ts'
import type { FixtureSet } from '../../data/labelled/fixture-set.ts'
import type { Isolation } from '../../isolation/create-isolation.ts'
import type { IsolatedDatabase } from '../../isolation/isolated-database.ts'
import type { FirestoreProjects } from '../../services/firestore/firestore-projects.ts'
import { type ProvidedRun, RUN_KEY, SETTINGS_KEY, type ServiceInfo } from '../provided.ts'
import { labelledFixturesAt, templateSourceFor } from '../shared/template-inputs.ts'
import { noLabelledFixtures, noService } from './no-services.ts'
import type { RedisLease } from './redis-lease.ts'

/**
 * What one worker holds for its tests, made on first use: an Isolation per strategy on the first
 * PostgreSQL service (its own databases, so workers never share rows) and Redis leases, one per
 * test running at once; Firestore projects, one per test. Modules are imported on first use too, so a
 * unit test loads neither pg nor ioredis nor a Firestore client.
 */
export class WorkerResources {
  readonly #isolations = new Map<IsolationSetting, Promise<Isolation>>()
  readonly #redisLeases: Array<Promise<RedisLease>> = []
  readonly #idleRedis: RedisLease[] = []
  #labelled: ReturnType<typeof labelledFixturesAt> | null = null
  #firestore: Promise<FirestoreProjects> | null = null

  services(fixture: string): Record<string, ServiceInfo> {
    const run = providedRun()
    if (Object.keys(run.services).length === 0) throw noService(fixture, 'postgres, redis or firestore', run.reason)
    return run.services
  }

  isolation(strategy: IsolationSetting): Promise<Isolation> {
    let isolation = this.#isolations.get(strategy)
    if (!isolation) {
      isolation = this.#createIsolation(strategy)
      this.#isolations.set(strategy, isolation)
    }
    return isolation
  }

  /** Whether `database` isolation keeps a failed test's database (testbed.config.ts `keepOnFailure`). */
  keepsFailedDatabases(): boolean {
    return inject(SETTINGS_KEY).keepOnFailure
  }

  /** Why the first service of `kind` is missing on this machine, when it is: its fixture then skips its test. */
  unavailable(kind: string): string | undefined {
    return Object.values(providedRun().unavailable ?? {}).find((service) => service.kind === kind)?.line
  }

  /** A project per test on the first Firestore service, seeded, prepared ahead (made on first use). */
  firestoreProjects(): Promise<FirestoreProjects> {
    this.#firestore ??= (async () => {
      const service = firstOfKind('firestore', 'firestore')
      const { prepareFirestoreWorker } = await import('../../services/firestore/firestore-worker.ts')
      return prepareFirestoreWorker(service.url, service.seeds ?? [], inject(SETTINGS_KEY).projectDir)
    })()
    return this.#firestore
  }

  /** The labelled fixtures of the first PostgreSQL service's template, with their ids: `fixtures.users.alice.id`. */
  async labelledRows(db: IsolatedDatabase): Promise<FixtureSet> {
    const service = firstOfKind('fixtures', 'postgres')
    const folder = service.template?.fixtures
    if (!folder) throw noLabelledFixtures()
    this.#labelled ??= labelledFixturesAt(folder, inject(SETTINGS_KEY).projectDir)
    return (await this.#labelled).rows(db)
  }

  /**
   * A logical Redis database for one test: one this worker holds and no test uses now, else a newly
   * leased one. Sequential tests so share one database; concurrent tests each get their own.
   */
  leaseRedis(): Promise<RedisLease> {
    const idle = this.#idleRedis.pop()
    if (idle) return Promise.resolve(idle)
    const held = this.#redisLeases.length
    const leasing = (async () => {
      const service = firstOfKind('redis', 'redis')
      const { leaseRedisDatabase } = await import('./redis-lease.ts')
      return leaseRedisDatabase(service.url, { held })
    })()
    this.#redisLeases.push(leasing)
    leasing.catch(() => this.#redisLeases.splice(this.#redisLeases.indexOf(leasing), 1))
    return leasing
  }

  /** Empties a test's Redis database and keeps it for the next test; a lease found lost is let go. */
  async returnRedis(lease: RedisLease): Promise<void> {
    try {
      await lease.reset()
    } catch (error) {
      await lease.release()
      throw error
    }
    this.#idleRedis.push(lease)
  }

  async close(): Promise<void> {
    const isolations = await Promise.allSettled(this.#isolations.values())
    const redis = await Promise.allSettled(this.#redisLeases)
    const firestore = await Promise.allSettled(this.#firestore ? [this.#firestore] : [])
    await Promise.all([
      ...firestore.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value.close() : undefined)),
      ...isolations.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value.close() : undefined)),
      ...redis.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value.release() : undefined)),
    ])
  }

  async #createIsolation(strategy: IsolationSetting): Promise<Isolation> {
    const service = firstOfKind('db', 'postgres')
    const { createIsolation } = await import('../../isolation/create-isolation.ts')
    const settings = inject(SETTINGS_KEY)
    const template = await templateSourceFor(service.template ?? {}, settings.projectDir)
    // The check installs its triggers in the worker's database up front when the config turns it on;
    // a test that asks for it under `leakCheck: false` installs them on its first use.
    return createIsolation(service.url, {
      strategy,
      template,
      leakCheck: settings.leakCheck,
      keepOnFailure: settings.keepOnFailure,
    })
  }
}

function providedRun(): ProvidedRun {
  return inject(RUN_KEY) ?? { services: {}, reason: 'the testbed() plugin is not in vitest.config.ts' }
}

function firstOfKind(fixture: string, kind: string): ServiceInfo {
  const run = providedRun()
  const service = Object.values(run.services).find((candidate) => candidate.kind === kind)
  if (!service) throw noService(fixture, kind, Object.keys(run.services).length > 0 ? null : run.reason)
  return service
}
