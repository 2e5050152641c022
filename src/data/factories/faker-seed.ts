import { createHash, randomInt } from 'node:crypto'
import type { Faker, LocaleDefinition } from '@faker-js/faker'
import { faker as englishFaker } from '@faker-js/faker/locale/en'
import { ENV, readEnv } from '../../core/env.ts'
import { TestbedError } from '../../core/errors.ts'

// One random seed per worker when neither TESTBED_SEED nor an explicit seed is given, kept on
// `process` so every test file in the worker prints the same one.
const RUN_SEED = Symbol.for('testbed.data.runSeed')

/** The base seed: `TESTBED_SEED` when set, else `explicit`, else this worker's random seed. */
export function resolveSeed(explicit: number | undefined): number {
  const fromEnv = readEnv(ENV.seed)
  if (fromEnv !== undefined) return parseSeed(fromEnv)
  if (explicit !== undefined) return explicit
  const holder = process as unknown as Record<symbol, number | undefined>
  holder[RUN_SEED] ??= randomInt(1, 2 ** 31)
  return holder[RUN_SEED]
}

/**
 * The seed of one test's faker: the base seed mixed with the test's key (its file and name), so
 * concurrent tests draw different values, and the same base seed replays each test's values
 * whatever order the tests run in.
 */
export function fakerSeed(seed: number, key: string | undefined): number {
  if (key === undefined) return seed
  return createHash('sha256').update(`${seed}\0${key}`).digest().readUInt32BE(0)
}

/** A faker of its own (faker's shared instance would interleave concurrent tests' draws). */
export function seededFaker(seed: number, locale: LocaleDefinition | LocaleDefinition[] | undefined): Faker {
  // The locale/en entry loads in ~30 ms where the package root loads every locale in ~250 ms; its
  // instance's constructor is the Faker class.
  const FakerClass = englishFaker.constructor as new (options: {
    locale: LocaleDefinition | LocaleDefinition[]
  }) => Faker
  const faker = new FakerClass({ locale: locale ?? englishFaker.rawDefinitions })
  faker.seed(seed)
  return faker
}

export function seedMessage(seed: number): string {
  return `faker seed: ${seed} (rerun with TESTBED_SEED=${seed})`
}

function parseSeed(text: string): number {
  const seed = Number(text)
  if (Number.isSafeInteger(seed) && seed >= 0) return seed
  throw new TestbedError('TESTBED_DATA_SEED_INVALID', {
    what: 'Invalid TESTBED_SEED',
    subject: `\`${text}\``,
    why: 'The seed is a whole number, as printed after a failed test (`faker seed: 1234`)',
    fix: 'Set TESTBED_SEED to that number, or unset it for a random seed',
  })
}
