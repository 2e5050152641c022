import { expect } from 'testbed/vitest'
import { test } from './shop-test.ts'

test('bulk import of users from a JSON fixture file', async ({ api, db, load }) => {
  const users = await load<Array<{ email: string }>>('users.json')
  const response = await api.post('/users/import', { json: users })
  expect(response.status).toBe(201)
  expect(await response.json()).toEqual({ imported: users.length })
  const { rows } = await db.query('SELECT count(*)::int AS n FROM users WHERE email = ANY($1)', [
    users.map((u) => u.email),
  ])
  expect(rows).toEqual([{ n: users.length }])
})

test('an import with a duplicate email imports nothing (one transaction)', async ({ api, db }) => {
  const response = await api.post('/users/import', {
    json: [{ email: 'new-one@example.com' }, { email: 'ada@example.com' }],
  })
  expect(response.status).toBe(409)
  const { rows } = await db.query(`SELECT count(*)::int AS n FROM users WHERE email = 'new-one@example.com'`)
  expect(rows).toEqual([{ n: 0 }])
})
