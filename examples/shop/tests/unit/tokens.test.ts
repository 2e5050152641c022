import { expect, test } from 'vitest'
import { signToken, verifyToken } from '../../src/tokens.ts'

test('a signed token yields its user id until it expires', () => {
  const token = signToken('42', 'secret', 1_000, 60_000)
  expect(verifyToken(token, 'secret', 2_000)).toBe('42')
  expect(verifyToken(token, 'secret', 61_001)).toBeNull()
})

test('a token signed with another secret or tampered with is refused', () => {
  const token = signToken('42', 'secret')
  expect(verifyToken(token, 'other')).toBeNull()
  expect(verifyToken(token.replace(/^42/, '43'), 'secret')).toBeNull()
  expect(verifyToken('garbage', 'secret')).toBeNull()
})
