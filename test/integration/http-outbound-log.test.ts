import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { type OutboundCall, runWithOutboundLog } from '../../src/http/outbound-log.ts'
import { createHttpMock } from '../../src/public/http.ts'
import { recordEvenInCi } from '../fixtures/http-env.ts'
import { tempDir } from '../test-utils/temp-dir.ts'

const PAYMENTS = 'https://api.payments.example'
let local: { origin: string; close(): void }

recordEvenInCi()

beforeAll(async () => {
  const server = createServer((req, res) => {
    res.statusCode = req.url === '/missing' ? 404 : 200
    res.end('local')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  local = { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() }
})
afterAll(() => local.close())

test('logs each outbound request of a test with what answered it, query strings hidden; loopback traffic is not outbound', async () => {
  const log: OutboundCall[] = []
  await runWithOutboundLog(log, async () => {
    await using http = createHttpMock().listen()
    http.post(`${PAYMENTS}/v1/charges`).reply(201, { id: 'ch_1' })
    await http.run(async () => {
      await fetch(`${PAYMENTS}/v1/charges?api_key=sk_live_123`, { method: 'POST' })
      await fetch(`${PAYMENTS}/v1/refunds`).catch(() => undefined)
      await fetch(`${local.origin}/health`)
    })
    await http.verify().catch(() => undefined)
  })
  expect(log).toEqual([
    { method: 'POST', url: `${PAYMENTS}/v1/charges?…`, outcome: 'mocked', status: 201 },
    { method: 'GET', url: `${PAYMENTS}/v1/refunds`, outcome: 'failed', detail: 'TESTBED_HTTP_UNMATCHED_REQUEST' },
  ])
})

test('a request a recording mock lets through is logged with the real server’s status', async () => {
  const log: OutboundCall[] = []
  const host = new URL(local.origin).host
  await runWithOutboundLog(log, async () => {
    const cassette = join(tempDir('testbed-outbound-'), 'cassette.json')
    await using http = createHttpMock({ mode: 'record', cassette, interceptLoopback: [host] }).listen()
    await http.run(() => fetch(`${local.origin}/missing`))
  })
  expect(log).toEqual([{ method: 'GET', url: `${local.origin}/missing`, outcome: 'network', status: 404 }])
})

test('outside a logged test nothing is logged, and requests are answered as before', async () => {
  await using http = createHttpMock().listen()
  http.get(`${PAYMENTS}/v1/ping`).reply(200, 'pong')
  expect(await http.run(() => fetch(`${PAYMENTS}/v1/ping`).then((res) => res.text()))).toBe('pong')
})
