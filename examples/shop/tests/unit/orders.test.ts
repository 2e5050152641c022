import { describe, expect, test } from 'vitest'
import { isEmail, orderTotal } from '../../src/orders.ts'

describe('orderTotal', () => {
  test('sums quantity times unit price over the lines', () => {
    expect(
      orderTotal([
        { sku: 'mug', quantity: 2, unitPriceCents: 1250 },
        { sku: 'tee', quantity: 1, unitPriceCents: 2000 },
      ]),
    ).toEqual({ totalCents: 4500 })
  })

  test('refuses an empty order, a zero quantity and a free order', () => {
    expect(orderTotal([])).toEqual({ problem: 'an order needs at least one line' })
    expect(orderTotal([{ sku: 'mug', quantity: 0, unitPriceCents: 100 }])).toEqual({ problem: 'bad quantity for mug' })
    expect(orderTotal([{ sku: 'gift', quantity: 1, unitPriceCents: 0 }])).toEqual({
      problem: 'an order must cost something',
    })
  })
})

test('isEmail accepts addresses and refuses the rest', () => {
  expect(isEmail('test@example.com')).toBe(true)
  expect(isEmail('no-at-sign.example.com')).toBe(false)
  expect(isEmail(42)).toBe(false)
})
