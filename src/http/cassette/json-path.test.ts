import { expect, test } from 'vitest'
import { AllowList, formatPath, parsePath } from './json-path.ts'

test('writes paths with dots for names, brackets for indexes and other keys, and reads them back', () => {
  const segments = ['interactions', 0, 'request', 'headers', 'x-api-key']
  expect(formatPath(segments)).toBe('interactions[0].request.headers["x-api-key"]')
  expect(parsePath('interactions[0].request.headers["x-api-key"]')).toEqual(segments)
  expect(parsePath('response.body.json.items[*].sha')).toEqual(['response', 'body', 'json', 'items', '*', 'sha'])
})

test('an allow pattern covers its place and what is below it, in every interaction', () => {
  const allow = new AllowList(['response.body.json.items[*].sha', 'interactions[3].response.headers.etag'])
  expect(allow.allows(['response', 'body', 'json', 'items', 2, 'sha'])).toBe(true)
  expect(allow.allows(['response', 'body', 'json', 'items', 2, 'sha', 'short'])).toBe(true)
  expect(allow.allows(['response', 'body', 'json', 'items', 2, 'id'])).toBe(false)
  expect(allow.allows(['response', 'headers', 'etag'])).toBe(true)
  expect(allow.allows(['request', 'headers', 'etag'])).toBe(false)
})
