import { expect } from 'testbed/vitest'
import { test } from './shop-test.ts'

test('seeded users are there in every test, for free', async ({ db }) => {
  const { rows } = await db.query(`SELECT email FROM users WHERE email LIKE '%@example.com' ORDER BY email`)
  expect(rows.map((row) => row.email)).toEqual([
    'ada@example.com',
    'alice@example.com',
    'bob@example.com',
    'grace@example.com',
  ])
})

test('labelled fixtures sit at ids derived from their labels, with references resolved', async ({
  api,
  db,
  fixtures,
}) => {
  const alice = fixtures.users?.alice
  const response = await api.get(`/users/${alice?.id}`)
  expect(await response.json()).toMatchObject({ email: 'alice@example.com', name: 'Alice Fixture' })
  const { rows } = await db.query('SELECT user_id::int AS user_id, total_cents FROM orders WHERE payment_id = $1', [
    'ch_fixture_1',
  ])
  expect(rows).toEqual([{ user_id: Number(alice?.id), total_cents: 1500 }])
})

test('a seeded user can log in', async ({ api }) => {
  const response = await api.post('/sessions', { json: { email: 'grace@example.com', password: 'SeedPassword123' } })
  expect(response.status).toBe(200)
})
