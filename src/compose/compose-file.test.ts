import { expect, test } from 'vitest'
import { postgres } from '../services/postgres/postgres-service.ts'
import { redis } from '../services/redis/redis-service.ts'
import { composeServices } from './compose-file.ts'

const commandOf = (service: { definition: Record<string, unknown> } | undefined) => service?.definition.command

test('durability is off in the compose file unless a service says durable: true', () => {
  const [db, cache] = composeServices({ db: postgres(), cache: redis() })
  expect(commandOf(db)).toEqual(expect.arrayContaining(['-c', 'fsync=off']))
  expect(commandOf(cache)).toEqual(expect.arrayContaining(['--save', '', '--appendonly', 'no']))

  const [durableDb, durableCache] = composeServices({
    db: postgres({ durable: true }),
    cache: redis({ durable: true }),
  })
  expect(commandOf(durableDb)).toEqual(['postgres'])
  expect(commandOf(durableCache)).toEqual(['redis-server', '--databases', '256', '--requirepass', 'testbed'])
})
