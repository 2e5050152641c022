import { describe, expect } from 'testbed/vitest'
import { PAYMENTS, signedInUser, test } from './shop-test.ts'

const lines = [
  { sku: 'mug', quantity: 2, unitPriceCents: 1250 },
  { sku: 'tee', quantity: 1, unitPriceCents: 2000 },
]

describe('payment processing', () => {
  test('an order is charged through the payment API and stored as paid', async ({ api, http, db }) => {
    const buyer = await signedInUser(api)
    http
      .post(`${PAYMENTS}/v1/charges`, {
        headers: { authorization: 'Bearer sk_test_123' },
        json: { amount: 4500, currency: 'usd', customer: `user_${buyer.id}` },
      })
      .reply(201, { id: 'ch_123', status: 'succeeded' })

    const response = await api.bearer(buyer.token).post('/orders', { json: { lines } })
    expect(response.status).toBe(201)
    expect(await response.json()).toMatchObject({ totalCents: 4500, status: 'paid' })
    const { rows } = await db.query('SELECT status, payment_id, total_cents FROM orders WHERE user_id = $1', [buyer.id])
    expect(rows).toEqual([{ status: 'paid', payment_id: 'ch_123', total_cents: 4500 }])
    // Stored with its order in the shop's own transaction (BEGIN … COMMIT on a connection of its pool).
    const stored = await db.query(
      'SELECT sku, quantity FROM order_lines JOIN orders ON orders.id = order_id WHERE user_id = $1 ORDER BY sku',
      [buyer.id],
    )
    expect(stored.rows).toEqual([
      { sku: 'mug', quantity: 2 },
      { sku: 'tee', quantity: 1 },
    ])
  })

  test('a declined card answers 402 and stores the order as declined', async ({ api, http, db }) => {
    const buyer = await signedInUser(api)
    http.post(`${PAYMENTS}/v1/charges`).reply(402, { error: { message: 'card declined' } })

    const response = await api.bearer(buyer.token).post('/orders', { json: { lines } })
    expect(response.status).toBe(402)
    expect(await response.json()).toMatchObject({ status: 'declined', reason: 'card declined' })
    const { rows } = await db.query('SELECT status, payment_id FROM orders WHERE user_id = $1', [buyer.id])
    expect(rows).toEqual([{ status: 'declined', payment_id: null }])
  })

  test('an invalid order never reaches the payment API', async ({ api }) => {
    const buyer = await signedInUser(api)
    const response = await api.bearer(buyer.token).post('/orders', { json: { lines: [] } })
    expect(response.status).toBe(400)
  })
})
