import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest'
import { createWireEndpoint, type WireEndpoint } from '../../src/isolation/endpoint/wire-endpoint.ts'
import { freshDatabase } from './transaction-test.ts'

/** A driver or ORM loaded the way an app loads it, and how to shut it down. */
export interface WireApp<T> {
  /** Imports the app's module, which builds its pool from `process.env.DATABASE_URL` at import time. */
  readonly load: () => Promise<T>
  readonly close: (app: T) => Promise<unknown>
}

export interface WireSuite<T> {
  /** The app's module, imported once the endpoint's URL is in the environment. */
  readonly app: T
  readonly endpoint: WireEndpoint
  /** The database the tests run in, outside any test's transaction. */
  readonly url: string
  /** Ends this test and begins the next, inside one test: for asserting that nothing leaks across. */
  nextTest(): Promise<void>
}

/**
 * The worker-level set-up of the wire endpoint for a test file, as the Vitest wiring will do it:
 * a database with an `items` table, an endpoint serving it (read-only between tests), its URL set
 * as `DATABASE_URL` before the app's module is imported, and every test inside a `transaction`
 * test of the endpoint. A test that used a statement the endpoint refused fails.
 */
export function useWireEndpoint<T>({ load, close }: WireApp<T>): WireSuite<T> {
  let state: { app: T; endpoint: WireEndpoint; url: string } | undefined
  const current = () => {
    if (state === undefined) throw new Error('the wire suite is not set up')
    return state
  }
  beforeAll(async () => {
    const url = await freshDatabase()
    // The URL names the real database, as ORMs that look their database up by name need (MikroORM).
    const endpoint = await createWireEndpoint({ betweenTests: url, database: new URL(url).pathname.slice(1) })
    Object.assign(process.env, endpoint.env)
    state = { app: await load(), endpoint, url }
  })
  beforeEach(() => current().endpoint.beginTest({ isolation: 'transaction', url: current().url }))
  afterEach(async () => expect((await current().endpoint.endTest()).refused).toEqual([]))
  afterAll(async () => {
    if (state === undefined) return
    await close(state.app)
    await state.endpoint.close()
  })
  return {
    get app() {
      return current().app
    },
    get endpoint() {
      return current().endpoint
    },
    get url() {
      return current().url
    },
    async nextTest() {
      await current().endpoint.endTest()
      await current().endpoint.beginTest({ isolation: 'transaction', url: current().url })
    },
  }
}
