import { describe, expect, test } from 'vitest'
import { useWireEndpoint } from '../test-utils/wire-suite.ts'

const suite = useWireEndpoint({
  load: () => import('../fixtures/wire-apps/postgres-js-app.ts'),
  close: ({ sql }) => sql.end(),
})

async function names(): Promise<string[]> {
  const rows = await suite.app.sql<{ name: string }[]>`SELECT name FROM items ORDER BY id`
  return rows.map((row) => row.name)
}

describe('postgres.js through the wire endpoint, unchanged', () => {
  test("the module's sql writes inside the test, and the next test starts empty", async () => {
    const { sql } = suite.app
    await sql`INSERT INTO items (name) VALUES (${'postgres.js'})`
    expect(await names()).toEqual(['postgres.js'])
    await suite.nextTest()
    expect(await names()).toEqual([])
  })

  test('sql.begin commits into the test, a savepoint inside it rolls back alone', async () => {
    const { sql } = suite.app
    await sql.begin(async (tx) => {
      await tx`INSERT INTO items (name) VALUES ('kept')`
      await tx
        .savepoint(async (savepoint) => {
          await savepoint`INSERT INTO items (name) VALUES ('undone')`
          throw new Error('undo the savepoint')
        })
        .catch(() => {})
    })
    expect(await names()).toEqual(['kept'])
  })

  test('a throwing sql.begin rolls back, and the test goes on', async () => {
    const { sql } = suite.app
    await expect(
      sql.begin(async (tx) => {
        await tx`INSERT INTO items (name) VALUES ('rolled back')`
        throw new Error('the work fails')
      }),
    ).rejects.toThrow('the work fails')
    expect(await names()).toEqual([])
  })

  test('a caught unique violation, then more work in the same test', async () => {
    const { sql } = suite.app
    await sql`INSERT INTO items (name) VALUES ('unique')`
    await expect(sql`INSERT INTO items (name) VALUES ('unique')`).rejects.toMatchObject({ code: '23505' })
    await sql`INSERT INTO items (name) VALUES ('after')`
    expect(await names()).toEqual(['unique', 'after'])
  })

  test('concurrent and pipelined queries', async () => {
    const { sql } = suite.app
    await Promise.all(Array.from({ length: 30 }, (_, i) => sql`INSERT INTO items (name) VALUES (${`n${i}`})`))
    const [count] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM items`
    expect(count?.n).toBe(30)
  })

  test('LISTEN and NOTIFY between two connections', async () => {
    const { sql } = suite.app
    const received: string[] = []
    const { unlisten } = await sql.listen('wire_channel', (payload) => received.push(payload))
    await sql.notify('wire_channel', 'hello')
    await sql`SELECT 1`
    await expect.poll(() => received).toEqual(['hello'])
    await unlisten()
  })
})
