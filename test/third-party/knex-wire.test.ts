import { describe, expect, test } from 'vitest'
import { useWireEndpoint } from '../test-utils/wire-suite.ts'

const suite = useWireEndpoint({
  load: () => import('../fixtures/wire-apps/knex-app.ts'),
  close: ({ db }) => db.destroy(),
})

async function names(): Promise<string[]> {
  const rows: Array<{ name: string }> = await suite.app.db('items').select('name').orderBy('id')
  return rows.map((row) => row.name)
}

describe('Knex through the wire endpoint, unchanged', () => {
  test("the module's knex writes inside the test, and the next test starts empty", async () => {
    await suite.app.db('items').insert({ name: 'knex' })
    expect(await names()).toEqual(['knex'])
    await suite.nextTest()
    expect(await names()).toEqual([])
  })

  test('knex.transaction commits into the test; a nested transaction rolls back alone', async () => {
    await suite.app.db.transaction(async (trx) => {
      await trx('items').insert({ name: 'outer' })
      await trx
        .transaction(async (nested) => {
          await nested('items').insert({ name: 'nested' })
          throw new Error('undo the nested transaction')
        })
        .catch(() => {})
    })
    expect(await names()).toEqual(['outer'])
  })

  test('a caught unique violation, then more work in the same test', async () => {
    const { db } = suite.app
    await db('items').insert({ name: 'unique' })
    await expect(db('items').insert({ name: 'unique' })).rejects.toMatchObject({ code: '23505' })
    await db('items').insert({ name: 'after' })
    expect(await names()).toEqual(['unique', 'after'])
  })

  test('concurrent queries', async () => {
    const { db } = suite.app
    await Promise.all(Array.from({ length: 20 }, (_, i) => db('items').insert({ name: `n${i}` })))
    const [row] = await db('items').count<Array<{ count: string }>>('* as count')
    expect(row?.count).toBe('20')
  })
})
