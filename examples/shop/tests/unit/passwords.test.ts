import { expect, test } from 'vitest'
import { hashPassword, passwordProblem, verifyPassword } from '../../src/passwords.ts'

test('a hashed password verifies, a wrong one does not', async () => {
  const hash = await hashPassword('SecurePass123!')
  expect(hash).toMatch(/^scrypt\$/)
  expect(await verifyPassword('SecurePass123!', hash)).toBe(true)
  expect(await verifyPassword('securepass123!', hash)).toBe(false)
})

test('hashing the same password twice gives different hashes (salted)', async () => {
  expect(await hashPassword('SecurePass123!')).not.toBe(await hashPassword('SecurePass123!'))
})

test('signup refuses short and single-case passwords', () => {
  expect(passwordProblem('Short1')).toBe('must be at least 10 characters')
  expect(passwordProblem('alllowercase123')).toBe('must mix upper case, lower case and digits')
  expect(passwordProblem('SecurePass123!')).toBeNull()
})
