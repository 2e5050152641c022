import { describe, expect, test } from 'vitest'
import { useWireEndpoint } from '../test-utils/wire-suite.ts'

const suite = useWireEndpoint({
  load: () => import('../fixtures/wire-apps/typeorm-app.ts'),
  close: ({ dataSource }) => dataSource.destroy(),
})

async function names(): Promise<string[]> {
  const rows = await suite.app.dataSource.getRepository(suite.app.ItemEntity).find({ order: { id: 'ASC' } })
  return rows.map((row) => row.name)
}

describe('TypeORM through the wire endpoint, unchanged', () => {
  test('the DataSource initialized at import time writes inside the test, and the next test starts empty', async () => {
    await suite.app.dataSource.getRepository(suite.app.ItemEntity).save({ name: 'typeorm' })
    expect(await names()).toEqual(['typeorm'])
    await suite.nextTest()
    expect(await names()).toEqual([])
  })

  test('dataSource.transaction commits into the test; a nested transaction rolls back alone', async () => {
    const { dataSource, ItemEntity } = suite.app
    await dataSource.transaction(async (manager) => {
      await manager.save(ItemEntity, { name: 'outer' })
      await manager
        .transaction(async (nested) => {
          await nested.save(ItemEntity, { name: 'nested' })
          throw new Error('undo the nested transaction')
        })
        .catch(() => {})
    })
    expect(await names()).toEqual(['outer'])
  })

  test('a query runner with an isolation level: start, roll back, release', async () => {
    const runner = suite.app.dataSource.createQueryRunner()
    await runner.connect()
    await runner.startTransaction('SERIALIZABLE')
    await runner.manager.save(suite.app.ItemEntity, { name: 'rolled back' })
    await runner.rollbackTransaction()
    await runner.release()
    expect(await names()).toEqual([])
  })

  test('a caught unique violation, then more work in the same test', async () => {
    const repository = suite.app.dataSource.getRepository(suite.app.ItemEntity)
    await repository.insert({ name: 'unique' })
    await expect(repository.insert({ name: 'unique' })).rejects.toMatchObject({ driverError: { code: '23505' } })
    await repository.insert({ name: 'after' })
    expect(await names()).toEqual(['unique', 'after'])
  })

  test('concurrent queries', async () => {
    const repository = suite.app.dataSource.getRepository(suite.app.ItemEntity)
    await Promise.all(Array.from({ length: 20 }, (_, i) => repository.insert({ name: `n${i}` })))
    expect(await repository.count()).toBe(20)
  })
})
