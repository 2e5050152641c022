import { expect, test } from 'vitest'
import { findShapes, isRandom } from './secret-shapes.ts'

test('finds secrets by shape, naming each kind, and leaves prose and ids alone', () => {
  const text = [
    'Authorization: Bearer abc.def-123456 for the key AKIAIOSFODNN7EXAMPLE',
    'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
    'xoxb-1234567890-abcdefghij and AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q',
    'Basic information about order 123e4567-e89b-12d3-a456-426614174000',
  ].join('\n')
  expect(findShapes(text).map(({ kind, value }) => [kind, value])).toEqual([
    ['a credential after an auth scheme', 'abc.def-123456'],
    ['an AWS access key id', 'AKIAIOSFODNN7EXAMPLE'],
    ['a JWT', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'],
    ['a Slack token', 'xoxb-1234567890-abcdefghij'],
    ['a Google API key', 'AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q'],
  ])
})

test.for([
  ['a3f9c2e1d4b5a6978812cd34ef56ab78', true],
  ['Kx9vQ2mP7rT4wY8zB3nF6hJ1sL5dG0aC', true],
  ['c2VjcmV0LXZhbHVlLXRoYXQtaXMtbG9uZy1lbm91Z2g=', true],
  ['pi_3MtwBwLkdIwHu7ix28a3tqPa_secret_YrKJUKribcBjcG8HVhfZluoGH', true],
  ['z5vg3acc7p39jbf951wbgb0sz1iep9pm', true],
  ['ch_3MmlLrLkdIwHu7ix0snN0B15', false],
  ['getUserAccountSettingsByIdentifier2', false],
  ['my-long-article-title-about-things-2024', false],
  ['AWS_SECRET_ACCESS_KEY_ID_VALUE_2', false],
  ['api/v1/Users/123/Orders/456/Items/789', false],
  ['0123456789012345678901234567890123456789', false],
] as const)('isRandom(%s) is %s', ([candidate, random]) => {
  expect(isRandom(candidate)).toBe(random)
})
