import { describe, expect } from 'testbed/vitest'
import { test } from './shop-test.ts'

describe('user API', () => {
  test('POST /users answers 201 with the new user', async ({ api }) => {
    const response = await api.post('/users', { json: { email: 'test@example.com', password: 'SecurePass123!' } })
    expect(response.status).toBe(201)
    const data = await response.json<{ id: string; email: string }>()
    expect(data.email).toBe('test@example.com')
    expect(data.id).toBeDefined()
  })

  test('GET /users/:id answers the user', async ({ api }) => {
    const created = await api.post('/users', { json: { email: 'test@example.com', password: 'SecurePass123!' } })
    const { id } = await created.json<{ id: string }>()
    const response = await api.get(`/users/${id}`)
    response.expectStatus(200)
    expect(await response.json()).toMatchObject({ id, email: 'test@example.com' })
  })

  test('GET /users/me requires authentication', async ({ api }) => {
    expect((await api.get('/users/me')).status).toBe(401)
    expect((await api.bearer('forged.token.value').get('/users/me')).status).toBe(401)
  })
})
