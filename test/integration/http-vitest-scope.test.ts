// How testbed/vitest wires the `http` fixture: every test runs in a scope of its own (aroundEach),
// the fixture's mock takes over its test's scope when it starts listening, verify() after the test.
// Concurrent tests mock the same URL and never see each other's answers; a test without the
// fixture is left alone.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createHttpMock, type HttpMock, runInHttpScope } from '../../src/public/http.ts'

/** A loopback server the mocking tests intercept, and the test without mocks reaches. */
let upstream: { url: string; close(): void }
beforeAll(async () => {
  const server = createServer((_req, res) => res.end(JSON.stringify({ name: 'the real server' })))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  upstream = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() }
})
afterAll(() => upstream.close())

const it = test.extend<{ http: HttpMock }>({
  // biome-ignore lint/correctness/noEmptyPattern: Vitest reads the fixtures a fixture needs from this pattern.
  http: async ({}, use) => {
    const http = createHttpMock({ interceptLoopback: [new URL(upstream.url).host] }).listen()
    try {
      await use(http)
      await http.verify()
    } finally {
      await http.close()
    }
  },
})
it.aroundEach(async (runTest) => {
  await runInHttpScope(runTest)
})

async function whoami(): Promise<unknown> {
  await sleep(Math.random() * 5)
  return fetch(`${upstream.url}/whoami`).then((res) => res.json())
}

describe.concurrent('the http fixture', () => {
  for (const name of ['alpha', 'beta', 'gamma', 'delta']) {
    it(`answers ${name}'s requests with ${name}'s mocks only`, async ({ http }) => {
      http.get(`${upstream.url}/whoami`).reply(200, { name })
      for (let i = 0; i < 5; i++) expect(await whoami()).toEqual({ name })
    })
  }

  it('leaves the requests of a test without the fixture alone', async () => {
    for (let i = 0; i < 5; i++) expect(await whoami()).toEqual({ name: 'the real server' })
  })
})
