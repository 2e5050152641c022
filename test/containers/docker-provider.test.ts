import pg from 'pg'
import { describe, expect, test } from 'vitest'
import { postgres } from '../../src/services/postgres/postgres-service.ts'
import { redis } from '../../src/services/redis/redis-service.ts'
import { startServices } from '../../src/services/service-set.ts'
import { containerEngineMissing, TEST_IMAGES } from '../test-utils/container-engine.ts'
import { tempDir } from '../test-utils/temp-dir.ts'

const missing = containerEngineMissing()

describe.skipIf(missing)(`the docker provider${missing ? ` (skipped: ${missing})` : ''}`, () => {
  test('starts PostgreSQL in a container that answers a real query', async () => {
    await using set = await startServices(
      { db: postgres({ provider: 'docker', image: TEST_IMAGES.postgres }) },
      { projectDir: tempDir() },
    )
    const service = set.services[0]
    console.log(service)
    const client = new pg.Client(service?.url)
    await client.connect()
    const { rows } = await client.query('SHOW fsync')
    await client.end()
    expect(rows).toEqual([{ fsync: 'off' }])
  })
})
