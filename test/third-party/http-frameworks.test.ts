import { Server } from 'node:net'
import { hc } from 'hono/client'
import supertest from 'supertest'
import { afterAll, describe, expect, expectTypeOf, test, vi } from 'vitest'
import { type App, createClient } from '../../src/public/http.ts'
import {
  expressApp,
  fastifyApp,
  fetchHandler,
  honoApp,
  koaApp,
  nodeListener,
  nodeServer,
} from '../fixtures/http-apps.ts'

const fastify = fastifyApp()
afterAll(() => fastify.close())

const frameworks: Array<[string, App]> = [
  ['Express', expressApp()],
  ['Fastify', fastify],
  ['Hono', honoApp()],
  ['Koa (app.callback())', koaApp().callback()],
  ['Koa (the app)', koaApp()],
  ['node:http (a request listener)', nodeListener],
  ['node:http (an http.Server)', nodeServer()],
  ['a bare (Request) => Response', fetchHandler],
]

describe.concurrent.each(frameworks)('createClient with %s', (_name, app) => {
  test('answers a GET with JSON, without listening on a port', async () => {
    const listen = vi.spyOn(Server.prototype, 'listen')
    const res = await createClient(app).get('/users/42')
    expect(listen).not.toHaveBeenCalled()
    listen.mockRestore()
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    expect(res.json<{ id: string; name: string }>()).toEqual({ id: '42', name: 'Ann' })
  })

  test('sends JSON bodies and query strings with every method', async () => {
    const api = createClient(app)
    const created = await api.post('/users', { json: { email: 'test@example.com' } })
    expect(created.status).toBe(201)
    expect(created.json()).toEqual({ id: 'new-1', email: 'test@example.com' })
    for (const method of ['put', 'patch'] as const) {
      const res = await api[method]('/users/7', { json: { name: 'Bo' } })
      expect(res.json()).toEqual({ id: '7', method: method.toUpperCase(), body: { name: 'Bo' } })
    }
    const deleted = await api.delete('/users/7')
    expect(deleted.status).toBe(204)
    expect(deleted.text()).toBe('')
    expect((await api.get('/search', { query: { q: 'a b&c' } })).json()).toEqual({ q: 'a b&c' })
  })

  test('keeps the session cookie across requests', async () => {
    const api = createClient(app)
    expect((await api.get('/me')).status).toBe(401)
    expect((await api.post('/login')).status).toBe(204)
    expect((await api.get('/me')).json()).toEqual({ session: 's-1' })
  })

  test('authenticates with bearer() and as()', async () => {
    const api = createClient(app, {
      authenticate: (user: { token: string }) => ({ authorization: `Bearer ${user.token}` }),
    })
    expect((await api.get('/private')).status).toBe(401)
    expect((await api.bearer('t-1').get('/private')).json()).toEqual({ token: 't-1' })
    expect((await api.as({ token: 't-2' }).get('/private')).json()).toEqual({ token: 't-2' })
  })

  test('answers 404 for a route the app does not have', async () => {
    expect((await createClient(app).get('/nowhere')).status).toBe(404)
  })
})

describe('Express', () => {
  test('apps served over a real socket keep working after in-process requests to another app', async () => {
    expect((await createClient(expressApp()).post('/users', { json: { email: 'a@example.com' } })).status).toBe(201)
    const served = await supertest(expressApp()).post('/users').send({ email: 'b@example.com' })
    expect([served.status, served.body]).toEqual([201, { id: 'new-1', email: 'b@example.com' }])
  })
})

describe('Hono types', () => {
  test('hc<typeof app> over api.fetch infers response types, in-process', async () => {
    const app = honoApp()
    const api = createClient(app)
    const client = hc<typeof app>('http://localhost', { fetch: api.fetch })
    const res = await client.users[':id'].$get({ param: { id: '42' } })
    const user = await res.json()
    expectTypeOf(user).toEqualTypeOf<{ id: string; name: string }>()
    expect(user).toEqual({ id: '42', name: 'Ann' })
    await client.login.$post()
    const me = await client.me.$get()
    expect(me.status).toBe(200)
    if (me.status === 200) expect(await me.json()).toEqual({ session: 's-1' })
  })
})
