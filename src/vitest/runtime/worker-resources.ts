import { inject } from 'vitest'
import type { FixtureSet } from '../../data/labelled/fixture-set.ts'
import type { IsolatedDatabase } from '../../isolation/isolated-database.ts'
import { labelledFixturesAt } from '../../isolation/templates/template-inputs.ts'
import { loadTesting } from '../../services/service-definition.ts'
import type { ServiceFixture } from '../../services/service-testing.ts'
import { type ProvidedRun, RUN_KEY, SETTINGS_KEY, type ServiceInfo } from '../provided.ts'
import { noLabelledFixtures, noService, noServiceFixture, unknownService } from './no-services.ts'

/**
 * What one worker holds for its tests, made on first use: per service, the fixture its kind offers
 * (for PostgreSQL an Isolation per strategy on databases of its own, so workers never share rows;
 * for Redis leased logical databases). Kinds' testing modules are imported on first use too, so a
 * unit test loads neither pg nor ioredis.
 */
export class WorkerResources {
  readonly #fixtures = new Map<string, Promise<ServiceFixture<unknown>>>()
  #labelled: ReturnType<typeof labelledFixturesAt> | null = null

  services(fixture: string): Record<string, ServiceInfo> {
    const run = providedRun()
    if (Object.keys(run.services).length === 0) throw noService(fixture, 'postgres or redis', run.reason)
    return run.services
  }

  /** The service a fixture name (`db`, `redis`) binds to: the first in the config whose kind offers it. */
  boundTo(fixture: string, askedBy: string, kind: string): string {
    const run = providedRun()
    const name = run.fixtures?.[fixture]
    if (name === undefined) throw noService(askedBy, kind, Object.keys(run.services).length > 0 ? null : run.reason)
    return name
  }

  /** Why the named service is missing on this machine, when it is: its fixture then skips the test. */
  unavailable(name: string): string | undefined {
    return providedRun().unavailable?.[name]
  }

  /** The per-test fixture of the named service, made on first use in this worker. */
  fixtureOf(name: string): Promise<ServiceFixture<unknown>> {
    let fixture = this.#fixtures.get(name)
    if (!fixture) {
      fixture = createFixture(serviceNamed(name))
      this.#fixtures.set(name, fixture)
    }
    return fixture
  }

  /** The labelled fixtures of the template of the service `db` binds to, with their ids: `fixtures.users.alice.id`. */
  async labelledRows(db: IsolatedDatabase): Promise<FixtureSet> {
    const service = serviceNamed(this.boundTo('db', 'fixtures', 'postgres'))
    const folder = service.template?.fixtures
    if (!folder) throw noLabelledFixtures()
    this.#labelled ??= labelledFixturesAt(folder, inject(SETTINGS_KEY).projectDir)
    return (await this.#labelled).rows(db)
  }

  async close(): Promise<void> {
    const fixtures = await Promise.allSettled(this.#fixtures.values())
    await Promise.all(fixtures.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value.close() : undefined)))
  }
}

async function createFixture(service: ServiceInfo): Promise<ServiceFixture<unknown>> {
  if (!service.testing) throw noServiceFixture(service.name, service.kind)
  const { projectDir, leakCheck, keepOnFailure } = inject(SETTINGS_KEY)
  return (await loadTesting(service.testing)).createFixture(service, { projectDir, leakCheck, keepOnFailure })
}

function providedRun(): ProvidedRun {
  return inject(RUN_KEY) ?? { services: {}, reason: 'the testbed() plugin is not in vitest.config.ts' }
}

function serviceNamed(name: string): ServiceInfo {
  const run = providedRun()
  const service = run.services[name]
  if (!service) throw unknownService(name, Object.keys(run.services))
  return service
}
