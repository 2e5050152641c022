import { describe, expect, test } from 'vitest'
import type { Interaction } from './cassette-file.ts'
import { Redactor } from './redaction.ts'

describe('Redactor', () => {
  test('redacts Authorization, cookie and API-key headers, keeping the others', () => {
    const redactor = new Redactor()
    expect(
      redactor.headers(
        {
          authorization: 'Bearer sk_test_123456',
          cookie: 'sid=abcdef123',
          'x-api-key': 'key_987654',
          accept: 'application/json',
        },
        'request',
      ),
    ).toEqual({
      authorization: '[redacted]',
      cookie: '[redacted]',
      'x-api-key': '[redacted]',
      accept: 'application/json',
    })
    expect(redactor.headers({ 'set-cookie': ['a=secret-1; Path=/', 'b=secret-2'] }, 'response')).toEqual({
      'set-cookie': ['[redacted]', '[redacted]'],
    })
  })

  test('redacts API keys in query strings, whatever their spelling', () => {
    const redactor = new Redactor()
    expect(
      redactor.url('https://api.example.com/v1/x?key=AIza123456&page=2&access_token=tok_123456&apiKey=k1234567'),
    ).toBe('https://api.example.com/v1/x?key=[redacted]&page=2&access_token=[redacted]&apiKey=[redacted]')
    expect(redactor.url('https://api.example.com/v1/x?q=a+b')).toBe('https://api.example.com/v1/x?q=a+b')
  })

  test('redacts token-like JSON fields at any depth, and the fields and names given as options', () => {
    const redactor = new Redactor({ fields: ['ssn'], query: ['session'] })
    const body = {
      user: { email: 'a@example.com', password: 'SecurePass123!', ssn: '123-45-6789' },
      access_token: 'at_123456',
      clientSecret: 'cs_123456',
      tokens: 42,
      token_type: 'Bearer',
      list: [{ apiKey: 'ak_123456' }],
    }
    expect(redactor.body({ json: body }, 'application/json', 'request')).toEqual({
      json: {
        user: { email: 'a@example.com', password: '[redacted]', ssn: '[redacted]' },
        access_token: '[redacted]',
        clientSecret: '[redacted]',
        tokens: 42,
        token_type: 'Bearer',
        list: [{ apiKey: '[redacted]' }],
      },
    })
    expect(redactor.url('https://x.example/?session=s_123456')).toBe('https://x.example/?session=[redacted]')
  })

  test('redacts secret fields of form bodies', () => {
    const redactor = new Redactor()
    expect(
      redactor.body({ text: 'amount=1000&card_token=tok_visa_1234' }, 'application/x-www-form-urlencoded', 'request'),
    ).toEqual({ text: 'amount=1000&card_token=[redacted]' })
  })

  test('finds a redacted value that still appears elsewhere, and values given as secrets', () => {
    const redactor = new Redactor({}, ['sk_live_listed'])
    const request = {
      method: 'POST',
      url: 'https://api.example.com/login',
      headers: redactor.headers({ authorization: 'Bearer sk_test_123456' }, 'request'),
    }
    const interaction: Interaction = {
      request,
      response: { status: 200, headers: {}, body: { json: { echo: 'sk_test_123456', other: 'sk_live_listed' } } },
    }
    expect(redactor.leftovers([interaction])).toEqual([
      'the value from the `secrets` option (14 characters) is in the response of interaction 1 (POST https://api.example.com/login)',
      'the value from request header `authorization` (14 characters) is in the response of interaction 1 (POST https://api.example.com/login)',
    ])
  })

  test('does not search for short values, which occur anywhere by chance', () => {
    const redactor = new Redactor()
    redactor.body({ json: { token: 'abc' } }, 'application/json', 'request')
    const interaction: Interaction = {
      request: { method: 'GET', url: 'https://api.example.com/abc', headers: {} },
      response: { status: 200, headers: {} },
    }
    expect(redactor.leftovers([interaction])).toEqual([])
  })
})
