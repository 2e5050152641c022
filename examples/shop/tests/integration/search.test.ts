import { expect } from 'testbed/vitest'
import { userFactory } from './factories.ts'
import { test } from './shop-test.ts'

test('user search finds active users made with factories', async ({ api, factories }) => {
  const users = factories.factory(userFactory)
  await users.createList(10, (index) => ({ name: `Test Person ${index}` }))
  await users.with('inactive').create({ name: 'Test Hidden' })

  const response = await api.get('/users', { query: { search: 'test person' } })
  expect(response.status).toBe(200)
  expect(await response.json()).toHaveLength(10)
})
