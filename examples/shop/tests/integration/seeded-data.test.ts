import { expect } from 'testbed/vitest'
import { test } from './shop-test.ts'

test('seeded users are there in every test, for free', async ({ db }) => {
  const { rows } = await db.query('SELECT email FROM users ORDER BY id')
  expect(rows.map((row) => row.email)).toEqual(['ada@example.com', 'grace@example.com'])
})

test('a seeded user can log in', async ({ api }) => {
  const response = await api.post('/sessions', { json: { email: 'grace@example.com', password: 'SeedPassword123' } })
  expect(response.status).toBe(200)
})
