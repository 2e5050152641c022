// The kit fixtures of testbed/vitest that need no service: http, api (with the user's app), load.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect } from 'vitest'
import { test as base } from '../../src/public/vitest.ts'

let upstream: { url: string; close(): void }
beforeAll(async () => {
  const server = createServer((_req, res) => res.end(JSON.stringify({ from: 'the real server' })))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  upstream = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() }
})
afterAll(() => upstream.close())

const test = base.extend({
  // A fetch-style app that calls a third-party API, as the example shop does.
  // biome-ignore lint/correctness/noEmptyPattern: Vitest reads a fixture's dependencies from this pattern.
  app: async ({}, use) => {
    await use({
      fetch: async (request: Request) => {
        const quote = await fetch('https://api.quotes.example/v1/today').then((res) => res.json())
        return Response.json({ path: new URL(request.url).pathname, quote })
      },
    })
  },
})

describe.concurrent('kit fixtures', () => {
  for (const author of ['Ada', 'Grace']) {
    test(`api calls the app in-process and http answers its outbound call with ${author}'s mock only`, async ({
      api,
      http,
    }) => {
      http.get('https://api.quotes.example/v1/today').reply(200, { author })
      const res = await api.get('/hello')
      expect(res.status).toBe(200)
      expect(await res.json()).toEqual({ path: '/hello', quote: { author } })
    })
  }

  test('a test without the http fixture reaches loopback servers untouched', async () => {
    expect(await fetch(upstream.url).then((res) => res.json())).toEqual({ from: 'the real server' })
  })

  test('load reads YAML from the fixtures folder next to the test file', async ({ load }) => {
    expect(await load('greeting.yml')).toEqual({ greeting: 'hello', count: 3 })
  })
})
