import { sql } from 'kysely'
import { describe, expect, test } from 'vitest'
import { useWireEndpoint } from '../test-utils/wire-suite.ts'

const suite = useWireEndpoint({
  load: () => import('../fixtures/wire-apps/kysely-app.ts'),
  close: ({ db }) => db.destroy(),
})

async function names(): Promise<string[]> {
  const rows = await suite.app.db.selectFrom('items').select('name').orderBy('id').execute()
  return rows.map((row) => row.name)
}

describe('Kysely through the wire endpoint, unchanged', () => {
  test("the module's db writes inside the test, and the next test starts empty", async () => {
    await suite.app.db.insertInto('items').values({ name: 'kysely' }).execute()
    expect(await names()).toEqual(['kysely'])
    await suite.nextTest()
    expect(await names()).toEqual([])
  })

  test('a transaction with a savepoint rolled back inside it', async () => {
    const trx = await suite.app.db.startTransaction().setIsolationLevel('serializable').execute()
    await trx.insertInto('items').values({ name: 'outer' }).execute()
    const savepoint = await trx.savepoint('inner').execute()
    await savepoint.insertInto('items').values({ name: 'undone' }).execute()
    await savepoint.rollbackToSavepoint('inner').execute()
    await trx.commit().execute()
    expect(await names()).toEqual(['outer'])
  })

  test('a throwing db.transaction().execute rolls back, and the test goes on', async () => {
    await expect(
      suite.app.db.transaction().execute(async (trx) => {
        await trx.insertInto('items').values({ name: 'rolled back' }).execute()
        throw new Error('the work fails')
      }),
    ).rejects.toThrow('the work fails')
    expect(await names()).toEqual([])
  })

  test('a caught unique violation, then more work in the same test', async () => {
    const { db } = suite.app
    await db.insertInto('items').values({ name: 'unique' }).execute()
    await expect(db.insertInto('items').values({ name: 'unique' }).execute()).rejects.toMatchObject({ code: '23505' })
    await db.insertInto('items').values({ name: 'after' }).execute()
    expect(await names()).toEqual(['unique', 'after'])
  })

  test('concurrent queries', async () => {
    const { db } = suite.app
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        db
          .insertInto('items')
          .values({ name: `n${i}` })
          .execute(),
      ),
    )
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM items`.execute(db)
    expect(rows[0]?.n).toBe(20)
  })
})
