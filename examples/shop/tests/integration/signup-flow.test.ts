import { describe, expect } from 'testbed/vitest'
import { test } from './shop-test.ts'

describe('user signup flow', () => {
  test('complete signup flow: sign up, log in, read my profile', async ({ api }) => {
    const created = await api.post('/users', { json: { email: 'test@example.com', password: 'SecurePass123!' } })
    expect(created.status).toBe(201)
    const user = await created.json<{ id: string; email: string }>()
    expect(user.email).toBe('test@example.com')

    const session = await api.post('/sessions', { json: { email: 'test@example.com', password: 'SecurePass123!' } })
    expect(session.status).toBe(200)
    const { token } = await session.json<{ token: string }>()

    const me = await api.bearer(token).get('/users/me')
    expect(me.status).toBe(200)
    expect(await me.json()).toMatchObject({ id: user.id, email: 'test@example.com' })
  })

  test('a second signup with the same email is refused', async ({ api }) => {
    await api.post('/users', { json: { email: 'twice@example.com', password: 'SecurePass123!' } })
    const again = await api.post('/users', { json: { email: 'TWICE@example.com', password: 'SecurePass123!' } })
    expect(again.status).toBe(409)
  })

  test('the password is stored hashed, never as sent', async ({ api, db }) => {
    await api.post('/users', { json: { email: 'hashed@example.com', password: 'SecurePass123!' } })
    const { rows } = await db.query(`SELECT password_hash FROM users WHERE email = 'hashed@example.com'`)
    expect(rows[0].password_hash).toMatch(/^scrypt\$/)
    expect(rows[0].password_hash).not.toContain('SecurePass123!')
  })

  test('logins are rate limited per email in Redis', async ({ api }) => {
    const attempt = () => api.post('/sessions', { json: { email: 'ada@example.com', password: 'wrong-password' } })
    for (let i = 0; i < 5; i++) expect((await attempt()).status).toBe(401)
    expect((await attempt()).status).toBe(429)
  })
})
