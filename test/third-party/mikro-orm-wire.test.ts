import { UniqueConstraintViolationException } from '@mikro-orm/postgresql'
import { describe, expect, test } from 'vitest'
import { useWireEndpoint } from '../test-utils/wire-suite.ts'

const suite = useWireEndpoint({
  load: () => import('../fixtures/wire-apps/mikro-orm-app.ts'),
  close: ({ orm }) => orm.close(),
})

async function names(): Promise<string[]> {
  const rows = await suite.app.orm.em.fork().find(suite.app.Item, {}, { orderBy: { id: 'asc' } })
  return rows.map((row) => row.name)
}

describe('MikroORM through the wire endpoint, unchanged', () => {
  test('the ORM initialized at import time writes inside the test, and the next test starts empty', async () => {
    const em = suite.app.orm.em.fork()
    em.create(suite.app.Item, { name: 'mikro-orm' })
    await em.flush()
    expect(await names()).toEqual(['mikro-orm'])
    await suite.nextTest()
    expect(await names()).toEqual([])
  })

  test('em.transactional commits into the test; a nested one rolls back alone', async () => {
    const { orm, Item } = suite.app
    await orm.em.fork().transactional(async (em) => {
      em.create(Item, { name: 'outer' })
      await em.flush()
      await em
        .transactional(async (nested) => {
          nested.create(Item, { name: 'nested' })
          await nested.flush()
          throw new Error('undo the nested transaction')
        })
        .catch(() => {})
    })
    expect(await names()).toEqual(['outer'])
  })

  test('a caught unique violation, then more work in the same test', async () => {
    const { orm, Item } = suite.app
    await orm.em.fork().insert(Item, { name: 'unique' })
    await expect(orm.em.fork().insert(Item, { name: 'unique' })).rejects.toBeInstanceOf(
      UniqueConstraintViolationException,
    )
    await orm.em.fork().insert(Item, { name: 'after' })
    expect(await names()).toEqual(['unique', 'after'])
  })

  test('concurrent queries', async () => {
    const { orm, Item } = suite.app
    await Promise.all(Array.from({ length: 20 }, (_, i) => orm.em.fork().insert(Item, { name: `n${i}` })))
    expect(await orm.em.fork().count(Item)).toBe(20)
  })
})
