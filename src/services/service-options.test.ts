import { expect, test } from 'vitest'
import { postgres } from './postgres/postgres-service.ts'
import { redis } from './redis/redis-service.ts'

test('rejects a port that is not an integer, naming the option, the value and its type', () => {
  expect(() => postgres({ port: '5432' as unknown as number })).toThrow(
    '[testbed] Invalid option in postgres(): `port`.\n' +
      'Expected the `port` option to be an integer from 0 to 65535, got `5432` (string). ' +
      'Fix `port` in testbed.config.ts, or remove it to use the default.',
  )
})

test('rejects an unknown provider, listing the known ones', () => {
  expect(() => redis({ provider: 'podman' as never })).toThrow(
    '[testbed] Invalid option in redis(): `provider`.\n' +
      'Expected the `provider` option to be one of `external`, `local`, `docker`, got `podman` (string). ' +
      'Fix `provider` in testbed.config.ts, or remove it to use the default.',
  )
})

test('rejects an unknown option, listing the accepted ones', () => {
  expect(() => postgres({ prot: 5432 } as never)).toThrow(
    '[testbed] Unknown option in postgres(): `prot`.\n' +
      'postgres() accepts `provider`, `port`, `settings`, `durable`, `startTimeout`, `url`, `image`, `migrations`, `seeds`, `rows`, `fixtures`. Remove the option or correct its spelling.',
  )
})

test('rejects a start timeout that is not a positive number', () => {
  expect(() => postgres({ startTimeout: -1 })).toThrow(
    'Expected the `startTimeout` option to be a positive number of milliseconds, got `-1` (number).',
  )
})

test('rejects a durable option that is not a boolean', () => {
  expect(() => redis({ durable: 'yes' as never })).toThrow(
    '[testbed] Invalid option in redis(): `durable`.\n' +
      'Expected the `durable` option to be true or false, got `yes` (string). ' +
      'Fix `durable` in testbed.config.ts, or remove it to use the default.',
  )
})

test('rejects settings that are not an object', () => {
  expect(() => postgres({ settings: ['fsync=on'] as never })).toThrow(
    'Expected the `settings` option to be an object of setting names to values, got `["fsync=on"]` (array).',
  )
})

test('rejects a provider the kind does not have when it is declared, not at start', () => {
  expect(() => postgres({ provider: 'testcontainers' as never })).toThrow(
    'Expected the `provider` option to be one of `external`, `embedded`, `local`, `docker`, got `testcontainers` (string).',
  )
})

test('rejects an image that is not a string', () => {
  expect(() => redis({ image: 7 as never })).toThrow(
    '[testbed] Invalid option in redis(): `image`.\n' +
      'Expected the `image` option to be a non-empty string, got `7` (number). ' +
      'Fix `image` in testbed.config.ts, or remove it to use the default.',
  )
})
