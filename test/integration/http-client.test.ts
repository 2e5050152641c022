import { readFileSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { Server } from 'node:net'
import { describe, expect, test, vi } from 'vitest'
import { createClient, type HttpMatchers, httpMatchers } from '../../src/public/http.ts'

declare module 'vitest' {
  interface Matchers<R extends void | Promise<void> = void | Promise<void>, T = unknown> extends HttpMatchers<R> {}
}
expect.extend(httpMatchers)

/** A plain node:http app: echoes requests, keeps a session in a cookie. */
function plainApp(req: IncomingMessage, res: ServerResponse) {
  // Fixed headers make the failure texts below exact.
  res.sendDate = false
  const url = new URL(req.url ?? '/', 'http://localhost')
  let body = ''
  req.on('data', (chunk) => {
    body += chunk
  })
  req.on('end', () => {
    const send = (status: number, value: unknown, headers: Record<string, string | string[]> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers })
      res.end(JSON.stringify(value))
    }
    if (url.pathname === '/login') return send(204, null, { 'set-cookie': ['session=s-123; Path=/; HttpOnly'] })
    if (url.pathname === '/logout') return send(204, null, { 'set-cookie': ['session=; Path=/; Max-Age=0'] })
    if (url.pathname === '/me') {
      const session = /session=([^;]+)/.exec(req.headers.cookie ?? '')?.[1]
      return session === undefined ? send(401, { error: 'log in first' }) : send(200, { session })
    }
    if (url.pathname === '/html') {
      res.writeHead(200, { 'content-type': 'text/html' })
      return res.end('<h1>hi</h1>')
    }
    send(req.method === 'POST' ? 201 : 200, {
      method: req.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: {
        authorization: req.headers.authorization,
        'content-type': req.headers['content-type'],
        host: req.headers.host,
      },
      body,
    })
  })
}

const fetchApp = (request: Request) => Response.json({ url: request.url, method: request.method }, { status: 400 })

describe.concurrent('createClient', () => {
  test('calls a node:http listener in-process, without listening on a port', async () => {
    const listen = vi.spyOn(Server.prototype, 'listen')
    const api = createClient(plainApp)
    const res = await api.post('/users', {
      json: { email: 'test@example.com' },
      query: { ref: 'home', tags: ['a', 'b'] },
    })
    expect(listen).not.toHaveBeenCalled()
    expect(res.status).toBe(201)
    expect(res.statusText).toBe('Created')
    expect(res.ok).toBe(true)
    expect(res.headers.get('content-type')).toBe('application/json')
    expect(res.json()).toEqual({
      method: 'POST',
      path: '/users',
      query: { ref: 'home', tags: 'b' },
      headers: { 'content-type': 'application/json', host: 'localhost' },
      body: '{"email":"test@example.com"}',
    })
    listen.mockRestore()
  })

  test('the app gets the path the URL parser makes of it: dot segments, encoding, empty query', async () => {
    const api = createClient((req: IncomingMessage, res: ServerResponse) => res.end(req.url))
    const paths = [
      '/users/42',
      '/a/b.json?x=1&y=(2)&z=a/b?c',
      '/a/./b/../c',
      '/a/..',
      '/a?',
      "/q?name='x'",
      '/a b?c d',
      '/é?ü',
      '/a#frag',
      '/%zz/%41',
      '/a\\b',
      '//host/x',
    ]
    for (const path of paths) {
      const expected = new URL(path, 'http://localhost')
      expect((await api.get(path)).text(), path).toBe(expected.pathname + expected.search)
    }
  })

  test('sends every method, raw bodies, forms and multipart', async () => {
    const api = createClient(plainApp, { baseUrl: 'https://app.test' })
    for (const method of ['get', 'put', 'patch', 'delete'] as const) {
      expect((await api[method]('/x')).json()).toMatchObject({
        method: method.toUpperCase(),
        headers: { host: 'app.test' },
      })
    }
    const form = await api.post('/x', { body: new URLSearchParams({ a: '1', b: 'two words' }) })
    expect(form.json()).toMatchObject({
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
      body: 'a=1&b=two+words',
    })
    const data = new FormData()
    data.set('name', 'Ann')
    const multipart = (await api.post('/x', { body: data })).json<{ headers: Record<string, string>; body: string }>()
    expect(multipart.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/)
    expect(multipart.body).toContain('Content-Disposition: form-data; name="name"\r\n\r\nAnn')
    expect((await api.post('/x', { body: 'plain' })).json()).toMatchObject({ body: 'plain' })
  })

  test('keeps the cookies the app sets and sends them back', async () => {
    const api = createClient(plainApp)
    expect((await api.get('/me')).status).toBe(401)
    await api.post('/login')
    expect(api.cookies.get('session')).toBe('s-123')
    expect((await api.get('/me')).json()).toEqual({ session: 's-123' })
    await api.post('/logout')
    expect((await api.get('/me')).status).toBe(401)
  })

  test('bearer(), as() and withHeaders() return clients that add headers, leaving the original as it was', async () => {
    let calls = 0
    const authenticate = async (user: { id: string }) => {
      calls++
      return { authorization: `Bearer token-of-${user.id}` }
    }
    const api = createClient(plainApp, { headers: { 'x-suite': 'client' }, authenticate })
    const alice = api.as({ id: 'alice' })
    const authorization = async (client: typeof api) =>
      (await client.get('/x')).json<{ headers: { authorization?: string } }>().headers.authorization
    expect(await authorization(api.bearer('t-1'))).toBe('Bearer t-1')
    expect(await authorization(alice)).toBe('Bearer token-of-alice')
    expect(await authorization(alice)).toBe('Bearer token-of-alice')
    expect(calls).toBe(1)
    expect(await authorization(api)).toBeUndefined()
    const overridden = await alice.withHeaders({ authorization: 'Basic x' }).get('/x', { headers: { 'x-one': '1' } })
    expect(overridden.request.headers.get('authorization')).toBe('Basic x')
    expect(overridden.request.headers.get('x-suite')).toBe('client')
  })

  test('derived clients start with a copy of the cookies', async () => {
    const api = createClient(plainApp)
    await api.post('/login')
    const other = api.bearer('t')
    await other.post('/logout')
    expect((await api.get('/me')).status).toBe(200)
    expect((await other.get('/me')).status).toBe(401)
  })

  test('reads bodies the app streams or frames as chunked itself, and none for HEAD', async () => {
    const streaming = (req: IncomingMessage, res: ServerResponse) => {
      if (req.url === '/chunked') res.setHeader('transfer-encoding', 'chunked')
      res.write('first,')
      setTimeout(() => res.end('second'), 5)
    }
    const api = createClient(streaming)
    expect((await api.get('/stream')).text()).toBe('first,second')
    const chunked = await api.get('/chunked')
    expect([chunked.text(), chunked.headers.has('transfer-encoding')]).toEqual(['first,second', false])
    expect((await api.request('HEAD', '/stream')).text()).toBe('')
  })

  test('calls a (Request) => Response handler with the absolute URL', async () => {
    const res = await createClient(fetchApp).delete('/users/1', { query: { hard: true } })
    expect(res.json()).toEqual({ url: 'http://localhost/users/1?hard=true', method: 'DELETE' })
  })

  test('fetch goes through the client into the app', async () => {
    const api = createClient(plainApp).bearer('t-2')
    const res = await api.fetch('/x?a=1', { method: 'POST', body: 'hello' })
    expect(res).toBeInstanceOf(Response)
    expect(res.status).toBe(201)
    expect(await res.json()).toMatchObject({
      query: { a: '1' },
      body: 'hello',
      headers: { authorization: 'Bearer t-2' },
    })
    expect((await api.fetch(new Request('http://localhost/login', { method: 'POST' }))).status).toBe(204)
    expect((await api.get('/me')).status).toBe(200)
  })
})

describe.concurrent('createClient failures', () => {
  test('expectStatus shows the request and the response', async () => {
    const signUp = () => Response.json({ error: 'email is taken' }, { status: 409 })
    const res = await createClient(signUp).post('/users', {
      json: { email: 'test@example.com' },
      query: { ref: 'home' },
    })
    expect(res.expectStatus(409)).toBe(res)
    const message = [
      '[testbed] Expected status 201 from the app: POST /users?ref=home.',
      "It answered 409 Conflict. Read the response below for the app's reason, or change the expected status.",
      '  • request: POST /users?ref=home',
      '  • request headers: content-type: application/json',
      '  • request body: {"email":"test@example.com"}',
      '  • response: 409 Conflict',
      '  • response headers: content-type: application/json',
      '  • response body: {"error":"email is taken"}',
    ].join('\n')
    expect(() => res.expectStatus(201)).toThrow(message)
    expect(readFileSync('docs/http.md', 'utf8')).toContain(message)
  })

  test('toHaveStatus fails with the same text, and .not with its own', async () => {
    const res = await createClient(plainApp).get('/me', { headers: { cookie: 'other=1' } })
    expect(res).toHaveStatus(401)
    expect(() => expect(res).toHaveStatus(200)).toThrow(
      [
        '[testbed] Expected status 200 from the app: GET /me.',
        "It answered 401 Unauthorized. Read the response below for the app's reason, or change the expected status.",
        '  • request: GET /me',
        '  • request headers: cookie: other=1',
        '  • request body: (empty)',
        '  • response: 401 Unauthorized',
        '  • response headers: content-type: application/json',
        '  • response body: {"error":"log in first"}',
      ].join('\n'),
    )
    expect(() => expect(res).not.toHaveStatus(401)).toThrow(
      '[testbed] Expected a status other than 401 from the app: GET /me.\nIt answered 401 Unauthorized. Read the response below, or change the expectation.\n',
    )
  })

  test('toHaveStatus explains a value that is not a response', () => {
    expect(() => expect({ status: 200 }).toHaveStatus(200)).toThrow(
      '[testbed] toHaveStatus() expects the response of an `api` request: object.\nIt shows the request and the response when the status differs, so it needs an ApiResponse. Pass what `await api.get(…)` returned.',
    )
  })

  test('cuts long bodies in failure messages', async () => {
    const res = await createClient(() => new Response('x'.repeat(1500))).get('/long')
    expect(() => res.expectStatus(404)).toThrow(`  • response body: ${'x'.repeat(1000)}… (500 more characters)`)
  })

  test('json() on a body that is not JSON says what the body was', async () => {
    const res = await createClient(plainApp).get('/html')
    expect(() => res.json()).toThrow(
      [
        '[testbed] Cannot read the response body as JSON: GET /html.',
        'The app answered 200 OK with text/html (Unexpected token \'<\', "<h1>hi</h1>" is not valid JSON). Check the route and the status, or read the body with `res.text()`.',
        '  • request: GET /html',
        '  • request headers: (none)',
        '  • request body: (empty)',
        '  • response: 200 OK',
        '  • response headers: content-type: text/html',
        '  • response body: <h1>hi</h1>',
      ].join('\n'),
    )
    expect(res.text()).toBe('<h1>hi</h1>')
  })

  test('rejects json and body together, as() without authenticate, and apps it cannot call', async () => {
    const api = createClient(plainApp)
    await expect(api.post('/users', { json: {}, body: 'x' })).rejects.toThrow(
      '[testbed] api.post() got both `json` and `body`: /users.\nA request has one body: `json` sends a value as JSON, `body` sends raw text, bytes or a form. Pass one of them.',
    )
    expect(() => (api as unknown as { as(user: unknown): unknown }).as({ id: 1 })).toThrow(
      "[testbed] api.as(user) needs the `authenticate` option of createClient.\n`as(user)` asks `authenticate(user)` for the headers that log the user in. Pass it, e.g. `createClient(app, { authenticate: (user) => ({ authorization: 'Bearer ' + user.token }) })`, or use `api.bearer(token)`.",
    )
    expect(() => createClient({ routes: [], port: 3000 } as never)).toThrow(
      '[testbed] createClient(app) cannot call this app: an object with keys `routes`, `port`.\nIt accepts a node:http request listener (Express, `koaApp.callback()`), a Koa app, an http.Server with a request listener, a Fastify instance, an object with a `fetch(request)` method (Hono), or a `(request: Request) => Response` function. Pass one of those, e.g. the Express app itself or `koaApp.callback()`.',
    )
  })
})
