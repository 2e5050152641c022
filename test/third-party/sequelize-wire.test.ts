import { UniqueConstraintError } from 'sequelize'
import { describe, expect, test } from 'vitest'
import { useWireEndpoint } from '../test-utils/wire-suite.ts'

const suite = useWireEndpoint({
  load: () => import('../fixtures/wire-apps/sequelize-app.ts'),
  close: ({ sequelize }) => sequelize.close(),
})

async function names(): Promise<string[]> {
  const rows = await suite.app.Item.findAll({ order: [['id', 'ASC']] })
  return rows.map((row) => row.get('name') as string)
}

describe('Sequelize through the wire endpoint, unchanged', () => {
  test("the module's sequelize writes inside the test, and the next test starts empty", async () => {
    await suite.app.sequelize.authenticate()
    await suite.app.Item.create({ name: 'sequelize' })
    expect(await names()).toEqual(['sequelize'])
    await suite.nextTest()
    expect(await names()).toEqual([])
  })

  test('sequelize.transaction commits into the test; a nested one (a savepoint) rolls back alone', async () => {
    const { sequelize, Item } = suite.app
    await sequelize.transaction(async (transaction) => {
      await Item.create({ name: 'outer' }, { transaction })
      await sequelize
        .transaction({ transaction }, async (nested) => {
          await Item.create({ name: 'nested' }, { transaction: nested })
          throw new Error('undo the savepoint')
        })
        .catch(() => {})
    })
    expect(await names()).toEqual(['outer'])
  })

  test('a caught unique violation, then more work in the same test', async () => {
    const { Item } = suite.app
    await Item.create({ name: 'unique' })
    await expect(Item.create({ name: 'unique' })).rejects.toBeInstanceOf(UniqueConstraintError)
    await Item.create({ name: 'after' })
    expect(await names()).toEqual(['unique', 'after'])
  })

  test('concurrent queries', async () => {
    const { Item } = suite.app
    await Promise.all(Array.from({ length: 20 }, (_, i) => Item.create({ name: `n${i}` })))
    expect(await Item.count()).toBe(20)
  })
})
