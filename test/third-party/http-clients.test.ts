// Each HTTP client a Node app uses, against createHttpMock: mocked answers, matched bodies, network
// errors, loopback passthrough.
import http from 'node:http'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import axios from 'axios'
import got from 'got'
import { fetch as undiciFetch, request as undiciRequest } from 'undici'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createHttpMock } from '../../src/public/http.ts'

interface Answer {
  status: number
  body: string
}

interface Client {
  get(url: string): Promise<Answer>
  postJson(url: string, json: unknown): Promise<Answer>
}

function nodeClient(module: typeof http | typeof https): Client {
  const send = (url: string, method: string, body?: string) =>
    new Promise<Answer>((resolve, reject) => {
      const headers = body === undefined ? {} : { 'content-type': 'application/json' }
      const req = module.request(url, { method, headers }, (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk) => {
          text += chunk
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
      })
      req.on('error', reject)
      req.end(body)
    })
  return { get: (url) => send(url, 'GET'), postJson: (url, json) => send(url, 'POST', JSON.stringify(json)) }
}

const jsonHeaders = { 'content-type': 'application/json' }
const clients: Array<[string, Client]> = [
  [
    'global fetch',
    {
      get: async (url) => fetch(url).then(async (res) => ({ status: res.status, body: await res.text() })),
      postJson: async (url, json) =>
        fetch(url, { method: 'POST', headers: jsonHeaders, body: JSON.stringify(json) }).then(async (res) => ({
          status: res.status,
          body: await res.text(),
        })),
    },
  ],
  ['node:http', nodeClient(http)],
  ['node:https', nodeClient(https)],
  [
    'undici request',
    {
      get: async (url) =>
        undiciRequest(url).then(async (res) => ({ status: res.statusCode, body: await res.body.text() })),
      postJson: async (url, json) =>
        undiciRequest(url, { method: 'POST', headers: jsonHeaders, body: JSON.stringify(json) }).then(async (res) => ({
          status: res.statusCode,
          body: await res.body.text(),
        })),
    },
  ],
  [
    'undici fetch',
    {
      get: async (url) => undiciFetch(url).then(async (res) => ({ status: res.status, body: await res.text() })),
      postJson: async (url, json) =>
        undiciFetch(url, { method: 'POST', headers: jsonHeaders, body: JSON.stringify(json) }).then(async (res) => ({
          status: res.status,
          body: await res.text(),
        })),
    },
  ],
  [
    'axios',
    {
      get: async (url) =>
        axios
          .get(url, { responseType: 'text', validateStatus: () => true })
          .then((res) => ({ status: res.status, body: res.data })),
      postJson: async (url, json) =>
        axios
          .post(url, json, { responseType: 'text', validateStatus: () => true })
          .then((res) => ({ status: res.status, body: res.data })),
    },
  ],
  [
    'got',
    {
      get: async (url) =>
        got(url, { throwHttpErrors: false, retry: { limit: 0 } }).then((res) => ({
          status: res.statusCode,
          body: res.body,
        })),
      postJson: async (url, json) =>
        got
          .post(url, { json, throwHttpErrors: false, retry: { limit: 0 } })
          .then((res) => ({ status: res.statusCode, body: res.body })),
    },
  ],
]

let loopback: { url: string; close(): void }
beforeAll(async () => {
  const server = http.createServer((_req, res) => res.end('real loopback'))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  loopback = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => server.close() }
})
afterAll(() => loopback.close())

describe.concurrent.each(clients)('createHttpMock with %s', (name, client) => {
  const api = name === 'node:http' ? 'http://api.example.com' : 'https://api.example.com'

  test('answers GET and POST requests from mocks matched on the JSON body', async () => {
    await using mock = createHttpMock().listen()
    mock.get(`${api}/users/1`).reply(200, { id: '1' })
    mock.post(`${api}/users`, { json: { email: 'a@example.com' } }).reply(201, { id: 'new-1' })
    await mock.run(async () => {
      expect(await client.get(`${api}/users/1`)).toEqual({ status: 200, body: '{"id":"1"}' })
      expect(await client.postJson(`${api}/users`, { email: 'a@example.com', name: 'Ann' })).toEqual({
        status: 201,
        body: '{"id":"new-1"}',
      })
    })
    await mock.verify()
  })

  test('reports a mocked network error as the client reports a dropped connection', async () => {
    await using mock = createHttpMock().listen()
    mock.get(`${api}/flaky`).networkError()
    const error = await mock.run(() =>
      client.get(`${api}/flaky`).then(
        () => undefined,
        (e: Error) => e,
      ),
    )
    expect(error).toBeInstanceOf(Error)
    const codes = [(error as { code?: string }).code, ((error as Error).cause as { code?: string } | undefined)?.code]
    expect(codes).toContain('ECONNRESET')
    await mock.verify()
  })

  test('fails requests no mock matches, and lets loopback through', async () => {
    await using mock = createHttpMock().listen()
    if (name !== 'node:https') {
      expect(await mock.run(() => client.get(loopback.url))).toEqual({ status: 200, body: 'real loopback' })
    }
    await mock.run(() => client.get(`${api}/unknown`).catch(() => undefined))
    await expect(mock.verify()).rejects.toThrow(
      `  • unmatched: GET ${api}/unknown\n    closest mock: none, no mock is declared`,
    )
  })
})
