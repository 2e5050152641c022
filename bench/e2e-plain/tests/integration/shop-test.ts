// The shop's `test`, written by hand for plain Vitest: a database per worker cloned from the template,
// TRUNCATE and the seed rows again after each test, Redis flushed, the app on a real port per test.
import { readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { Redis } from 'ioredis'
import pg from 'pg'
import { test as base, inject } from 'vitest'
import { createApp } from '../../src/app.ts'

export const PAYMENTS = 'https://api.payments.example'
const worker = Number(process.env.VITEST_POOL_ID ?? 1)
const SEED = readFileSync('tests/integration/seed.sql', 'utf8')

interface Response {
  status: number
  json<T = unknown>(): Promise<T>
  expectStatus(status: number): void
}
type Call = (path: string, init?: { json?: unknown; query?: Record<string, string> }) => Promise<Response>
interface Api {
  get: Call
  post: Call
  bearer(token: string): Api
}

export const test = base.extend<{ pool: pg.Pool; redis: Redis; db: pg.Pool; api: Api; load: typeof load }>({
  pool: [
    // biome-ignore lint/correctness/noEmptyPattern: Vitest reads a fixture's dependencies from a destructuring pattern.
    async ({}, use) => {
      const database = await workerDatabase()
      const pool = new pg.Pool({ host: '127.0.0.1', port: inject('pgPort'), user: 'postgres', database })
      await use(pool)
      await pool.end()
    },
    { scope: 'file' },
  ],
  redis: [
    // biome-ignore lint/correctness/noEmptyPattern: Vitest reads a fixture's dependencies from a destructuring pattern.
    async ({}, use) => {
      const redis = new Redis({ port: inject('redisPort'), db: worker % 16 })
      await use(redis)
      redis.disconnect()
    },
    { scope: 'file' },
  ],
  db: async ({ pool, redis }, use) => {
    await use(pool)
    await pool.query(`TRUNCATE users, orders RESTART IDENTITY CASCADE; ${SEED}`)
    await redis.flushdb()
  },
  api: async ({ db, redis }, use) => {
    const app = createApp({
      db,
      redis,
      payments: { baseUrl: PAYMENTS, apiKey: 'sk_test_123' },
      tokenSecret: 'test-secret',
    })
    const server = app.listen(0, '127.0.0.1')
    await new Promise((resolve) => server.once('listening', resolve))
    await use(client(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, {}))
    await new Promise((resolve) => server.close(resolve))
  },
  // biome-ignore lint/correctness/noEmptyPattern: Vitest reads a fixture's dependencies from a destructuring pattern.
  load: async ({}, use) => use(load),
})

async function load<T>(name: string): Promise<T> {
  return JSON.parse(readFileSync(`tests/integration/fixtures/${name}`, 'utf8')) as T
}

async function workerDatabase(): Promise<string> {
  const database = `shop_w${worker}`
  const admin = new pg.Client({ host: '127.0.0.1', port: inject('pgPort'), user: 'postgres', database: 'postgres' })
  await admin.connect()
  const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])
  if (rowCount === 0) await admin.query(`CREATE DATABASE ${database} TEMPLATE shop_template`)
  await admin.end()
  return database
}

function client(base: string, headers: Record<string, string>): Api {
  const call =
    (method: string): Call =>
    async (path, init = {}) => {
      const url = new URL(path, base)
      for (const [name, value] of Object.entries(init.query ?? {})) url.searchParams.set(name, value)
      const body = init.json === undefined ? undefined : JSON.stringify(init.json)
      const type = body === undefined ? {} : { 'content-type': 'application/json' }
      const response = await fetch(url, { method, headers: { ...headers, ...type }, body })
      const text = await response.text()
      return {
        status: response.status,
        json: async <T>() => JSON.parse(text) as T,
        expectStatus: (status) => {
          if (response.status !== status) throw new Error(`expected ${status}, got ${response.status}: ${text}`)
        },
      }
    }
  return {
    get: call('GET'),
    post: call('POST'),
    bearer: (token) => client(base, { ...headers, authorization: `Bearer ${token}` }),
  }
}
