// The shop's `test`: testbed's fixtures plus the app, on the test's Redis database. The app reaches
// PostgreSQL through its own pool, made from DATABASE_URL: testbed serves the test's state there.
import { test as base } from 'testbed/vitest'
import { createApp } from '../../src/app.ts'

export const PAYMENTS = 'https://api.payments.example'

export const test = base.extend({
  app: async ({ redis }, use) => {
    await use(
      createApp({
        redis,
        payments: { baseUrl: PAYMENTS, apiKey: 'sk_test_123' },
        tokenSecret: 'test-secret',
      }),
    )
  },
})

/** The shop's `test` with Firestore too: product reviews and the activity feed, in the test's own project. */
export const reviewsTest = test.extend({
  app: async ({ redis, firestore }, use) => {
    await use(
      createApp({
        redis,
        firestore,
        payments: { baseUrl: PAYMENTS, apiKey: 'sk_test_123' },
        tokenSecret: 'test-secret',
      }),
    )
  },
})

/** Signs up and logs in a user through the API; returns the user and a bearer token. */
export async function signedInUser(
  api: { post(path: string, init: { json: unknown }): Promise<{ status: number; json<T>(): Promise<T> }> },
  email = 'buyer@example.com',
): Promise<{ id: string; token: string }> {
  const password = 'SecurePass123!'
  const created = await api.post('/users', { json: { email, password } })
  const { id } = await created.json<{ id: string }>()
  const session = await api.post('/sessions', { json: { email, password } })
  const { token } = await session.json<{ token: string }>()
  return { id, token }
}
