import { expect, test } from 'vitest'
import { redactUrl } from './redact.ts'

test('replaces the password in a URL and keeps the rest', () => {
  expect(redactUrl('postgresql://app:s3cret@db.internal:5432/shop')).toBe('postgresql://app:***@db.internal:5432/shop')
})

test('leaves a URL without a password unchanged', () => {
  expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379')
})

test('redacts a password in a string that is not a valid URL', () => {
  expect(redactUrl('postgres://u:p@ss@host:not-a-port/db')).not.toContain('p@ss')
})
