// The test side of `postgres()`, at the kit layer: templates and per-test databases. The service
// layer names this module (`siblingFile`) and never imports it; the Vitest integration loads it.
import type { IsolationSetting } from '../../core/config.ts'
import { redactUrl } from '../../core/redact.ts'
import type { Isolation } from '../../isolation/create-isolation.ts'
import { currentHarnessTest, currentTestUnder } from '../../isolation/harness/current-test.ts'
import type { IsolatedDatabase } from '../../isolation/isolated-database.ts'
import { ensureTemplate } from '../../isolation/templates/ensure-template.ts'
import { templateSnapshotKey } from '../../isolation/templates/template-hash.ts'
import { type TemplateInputs, templateSourceFor } from '../../isolation/templates/template-inputs.ts'
import type { FixtureContext, PrepareContext, Prepared, ServiceFixture, TestedService } from '../service-testing.ts'
import { type PostgresOptions, rowsFolderOf } from './postgres-options.ts'

/** A cluster snapshot is keyed by the template it holds: an unchanged schema starts with it built. */
export async function snapshotKey(options: PostgresOptions, projectDir: string): Promise<string> {
  return templateSnapshotKey(await templateSourceFor(templateInputsOf(options), projectDir))
}

/** Builds the template every test database starts from, unless one with the same content exists. */
export async function prepare(
  service: TestedService,
  options: PostgresOptions,
  context: PrepareContext,
): Promise<Prepared> {
  const { migrations, seeds, fixtures } = templateInputsOf(options)
  const source = await templateSourceFor({ migrations, seeds, fixtures }, context.projectDir)
  const template = await ensureTemplate(service.url, source, { progress: context.progress })
  const info = {
    name: template.name,
    ...(migrations && { migrations }),
    ...(seeds && { seeds }),
    ...(fixtures && { fixtures }),
  }
  return { info: { template: info }, built: template.built }
}

function templateInputsOf(options: PostgresOptions): TemplateInputs {
  return { migrations: options.migrations, seeds: options.seeds, fixtures: rowsFolderOf(options) }
}

/**
 * Per worker, an Isolation per strategy on this service (its own databases, so workers never share
 * rows); each test begins its own state and rolls it back.
 */
export function createFixture(service: TestedService, context: FixtureContext): ServiceFixture<IsolatedDatabase> {
  const isolations = new Map<IsolationSetting, Promise<Isolation>>()
  const isolationFor = (strategy: IsolationSetting) => {
    let isolation = isolations.get(strategy)
    if (!isolation) {
      isolation = createIsolationFor(service, strategy, context)
      isolations.set(strategy, isolation)
    }
    return isolation
  }
  const owners = new WeakMap<IsolatedDatabase, Isolation>()
  return {
    async begin(choice) {
      // The worker's endpoint began this test already (integration tests): `db` shares its state,
      // which the endpoint's setup file ends.
      const current = currentHarnessTest(choice.testId)
      if (current?.service === service.name && current.test.servedByEndpoint)
        return (await currentTestUnder(current, choice)).db
      const isolation = await isolationFor(choice.isolation)
      const database = await isolation.begin({ leakCheck: choice.leakCheck })
      owners.set(database, isolation)
      return database
    },
    async end(database, outcome) {
      const owner = owners.get(database)
      if (owner === undefined) return undefined
      await owner.rollback(database, outcome)
      if (outcome.failed && database.strategy === 'database' && context.keepOnFailure)
        return `psql ${redactUrl(database.url)}`
      return undefined
    },
    async close() {
      const settled = await Promise.allSettled(isolations.values())
      await Promise.all(settled.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value.close() : undefined)))
    },
  }
}

async function createIsolationFor(
  service: TestedService,
  strategy: IsolationSetting,
  context: FixtureContext,
): Promise<Isolation> {
  const { createIsolation } = await import('../../isolation/create-isolation.ts')
  const template = await templateSourceFor(service.template ?? {}, context.projectDir)
  // The check installs its triggers in the worker's database up front when the config turns it on;
  // a test that asks for it under `leakCheck: false` installs them on its first use.
  return createIsolation(service.url, {
    strategy,
    template,
    leakCheck: context.leakCheck,
    keepOnFailure: context.keepOnFailure,
  })
}
