import type { Faker, LocaleDefinition } from '@faker-js/faker'
import { TestbedError } from '../../core/errors.ts'
import type { Queryable } from '../queryable.ts'
import { listNames } from '../suggest.ts'
import { specOf } from './define-factory.ts'
import { unknownFactory } from './factory-errors.ts'
import type { AnyFactory, Empty, FactoryRegistry, FactorySession, SessionCore, ViewOf } from './factory-types.ts'
import { createView, isProbe } from './factory-view.ts'
import { fakerSeed, resolveSeed, seededFaker, seedMessage } from './faker-seed.ts'
import type { RunContext } from './run-factory.ts'

/** Options of `factoriesFor()`. */
export interface FactoriesOptions<Registry extends FactoryRegistry> {
  /**
   * The factories the session offers as properties: `{ user, post }` → `factories.user.create()`.
   * @default {} (use `factories.factory(user)`)
   */
  factories?: Registry
  /**
   * The base seed. `TESTBED_SEED` overrides it, so a printed seed reruns a test whatever the code says.
   * @default TESTBED_SEED, else one random seed per worker
   */
  seed?: number
  /**
   * What identifies the test (its file and full name): mixed into the seed, so concurrent tests
   * draw different values and a rerun replays each test's own values in any order.
   * @default undefined (the base seed as it is)
   */
  key?: string
  /**
   * Faker's locale definitions, such as `[de, en, base]` from `@faker-js/faker`.
   * @default English
   */
  locale?: LocaleDefinition | LocaleDefinition[]
}

const CORE_NAMES = ['seed', 'faker', 'factory', 'seedMessage', 'reportSeed']

/**
 * A test's factories, writing through `db` (the test's isolated database, or any pool or client),
 * with a faker seeded for this test.
 * @example
 * const factories = factoriesFor(db, { factories: { user, post }, key: 'signup > stores the user' })
 * const post = await factories.post.create()       // creates its author too
 * const admin = await factories.user.admin.create()
 */
export function factoriesFor<Registry extends FactoryRegistry = Empty>(
  db: Queryable,
  options: FactoriesOptions<Registry> = {},
): FactorySession<Registry> {
  const registry: FactoryRegistry = options.factories ?? {}
  checkRegistry(registry)
  const seed = resolveSeed(options.seed)
  let faker: Faker | undefined
  // Made on first use: a Faker instance costs ~1 ms, and many tests never draw from it.
  const getFaker = () => {
    faker ??= seededFaker(fakerSeed(seed, options.key), options.locale)
    return faker
  }
  const core: SessionCore = {
    seed,
    get faker() {
      return getFaker()
    },
    factory: <F extends AnyFactory>(factory: F) => createView(context, factory, specOf(factory).name, []) as ViewOf<F>,
    seedMessage: () => seedMessage(seed),
    reportSeed(result, print = console.error) {
      if (result?.state !== 'fail' || faker === undefined) return undefined
      print(seedMessage(seed))
      return seedMessage(seed)
    },
  }
  const session = sessionProxy(core, registry, (name, factory) => createView(context, factory, name, []))
  const context: RunContext = { db, faker: getFaker, session }
  return session as FactorySession<Registry>
}

function sessionProxy(
  core: SessionCore,
  registry: FactoryRegistry,
  view: (name: string, factory: AnyFactory) => unknown,
): FactorySession {
  return new Proxy(core, {
    get(target, property, receiver) {
      if (typeof property === 'symbol' || property in target) return Reflect.get(target, property, receiver)
      const factory = Object.hasOwn(registry, property) ? registry[property] : undefined
      if (factory !== undefined) return view(property, factory)
      if (isProbe(property)) return undefined
      throw unknownFactory(property, Object.keys(registry))
    },
    has: (target, property) =>
      property in target || (typeof property === 'string' && Object.hasOwn(registry, property)),
  }) as FactorySession
}

function checkRegistry(registry: FactoryRegistry): void {
  for (const [name, factory] of Object.entries(registry)) {
    specOf(factory)
    if (!CORE_NAMES.includes(name)) continue
    throw new TestbedError('TESTBED_DATA_FACTORY_INVALID', {
      what: 'Invalid factory name in factoriesFor()',
      subject: `\`${name}\``,
      why: `Factories are properties next to the session's own ${listNames(CORE_NAMES)}`,
      fix: 'Register the factory under another name',
    })
  }
}
