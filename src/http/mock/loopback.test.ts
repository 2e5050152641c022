import { describe, expect, test } from 'vitest'
import { isListedHost, isLoopback } from './loopback.ts'

describe('isLoopback', () => {
  test.each(['localhost', 'api.localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]', '::ffff:127.0.0.1'])(
    '%s is loopback',
    (host) => {
      expect(isLoopback(host)).toBe(true)
    },
  )

  test.each(['api.example.com', '10.0.0.1', '128.0.0.1', '127.0.0.1.example.com', '::2'])('%s is not', (host) => {
    expect(isLoopback(host)).toBe(false)
  })
})

describe('isListedHost', () => {
  test('matches a listed host with or without a port', () => {
    expect(isListedHost(new URL('http://127.0.0.1:4010/x'), ['127.0.0.1:4010'])).toBe(true)
    expect(isListedHost(new URL('http://127.0.0.1:4011/x'), ['127.0.0.1:4010'])).toBe(false)
    expect(isListedHost(new URL('https://localhost/x'), ['localhost'])).toBe(true)
    expect(isListedHost(new URL('http://[::1]:9000/'), ['[::1]:9000'])).toBe(true)
  })
})
