import { asc, sql } from 'drizzle-orm'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import { describe, expect, test } from 'vitest'
import { items } from '../fixtures/wire-apps/drizzle-schema.ts'
import { useWireEndpoint, type WireSuite } from '../test-utils/wire-suite.ts'

type Db = PgDatabase<PgQueryResultHKT>

async function names(db: Db): Promise<string[]> {
  const rows = await db.select({ name: items.name }).from(items).orderBy(asc(items.id))
  return rows.map((row) => row.name)
}

/** The same behaviours on each of Drizzle's PostgreSQL drivers. */
function drizzleSuite(suite: WireSuite<{ db: Db }>): void {
  test("the module's db writes inside the test, and the next test starts empty", async () => {
    await suite.app.db.insert(items).values({ name: 'drizzled' })
    expect(await names(suite.app.db)).toEqual(['drizzled'])
    await suite.nextTest()
    expect(await names(suite.app.db)).toEqual([])
  })

  test('db.transaction commits into the test; a nested transaction rolls back alone', async () => {
    const { db } = suite.app
    await db.transaction(async (tx) => {
      await tx.insert(items).values({ name: 'outer' })
      await tx
        .transaction(async (nested) => {
          await nested.insert(items).values({ name: 'nested' })
          nested.rollback()
        })
        .catch(() => {})
    })
    expect(await names(db)).toEqual(['outer'])
  })

  test('a caught unique violation, then more work in the same test', async () => {
    const { db } = suite.app
    await db.insert(items).values({ name: 'unique' })
    await expect(db.insert(items).values({ name: 'unique' })).rejects.toMatchObject({
      cause: expect.objectContaining({ code: '23505' }),
    })
    await db.insert(items).values({ name: 'after' })
    expect(await names(db)).toEqual(['unique', 'after'])
  })

  test('concurrent queries', async () => {
    const { db } = suite.app
    await Promise.all(Array.from({ length: 20 }, (_, i) => db.insert(items).values({ name: `n${i}` })))
    const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(items)
    expect(row?.n).toBe(20)
  })
}

describe('Drizzle on node-postgres through the wire endpoint, unchanged', () => {
  drizzleSuite(
    useWireEndpoint({
      load: async () => ({ db: (await import('../fixtures/wire-apps/drizzle-node-postgres-app.ts')).db as Db }),
      close: ({ db }) => (db as unknown as { $client: { end(): Promise<void> } }).$client.end(),
    }),
  )
})

describe('Drizzle on postgres.js through the wire endpoint, unchanged', () => {
  drizzleSuite(
    useWireEndpoint({
      load: async () => ({ db: (await import('../fixtures/wire-apps/drizzle-postgres-js-app.ts')).db as Db }),
      close: ({ db }) => (db as unknown as { $client: { end(): Promise<void> } }).$client.end(),
    }),
  )
})
