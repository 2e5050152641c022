import { describe, expect, test } from 'vitest'
import type { RecordedRequest } from './cassette-file.ts'
import { Redactor } from './redaction.ts'

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'

function request(parts: Partial<RecordedRequest>): RecordedRequest {
  return { method: 'POST', url: 'https://api.example.com/v1/x', headers: {}, ...parts }
}

describe('Redactor', () => {
  test('redacts Authorization, cookies and headers named like a token, key or signature, keeping the others', () => {
    const redacted = new Redactor().request(
      request({
        headers: {
          accept: 'application/json',
          authorization: 'Bearer sk_test_123456',
          cookie: 'sid=abcdef123',
          'x-access-token': 'opaque-1',
          'x-api-key': 'key_987654',
          'x-hub-signature-256': 'sha256=0d0e',
          'x-request-id': 'req-42',
        },
      }),
    )
    expect(redacted.headers).toEqual({
      accept: 'application/json',
      authorization: '[redacted]',
      cookie: '[redacted]',
      'x-access-token': '[redacted]',
      'x-api-key': '[redacted]',
      'x-hub-signature-256': '[redacted]',
      'x-request-id': 'req-42',
    })
    const response = new Redactor().response({ status: 200, headers: { 'set-cookie': ['a=s1; Path=/', 'b=s2'] } })
    expect(response.headers).toEqual({ 'set-cookie': ['[redacted]', '[redacted]'] })
  })

  test('redacts query parameters named like secrets, whatever their spelling, and leaves other URLs as sent', () => {
    const redactor = new Redactor()
    const url = (href: string) => redactor.request(request({ url: href })).url
    expect(url('https://api.example.com/v1/x?key=AIza123456&page=2&access_token=tok_123456&apiKey=k1234567')).toBe(
      'https://api.example.com/v1/x?key=[redacted]&page=2&access_token=[redacted]&apiKey=[redacted]',
    )
    expect(url('https://bucket.s3.amazonaws.com/a.pdf?X-Amz-Credential=AKIA%2F20240501&X-Amz-Signature=0f9e8d')).toBe(
      'https://bucket.s3.amazonaws.com/a.pdf?X-Amz-Credential=[redacted]&X-Amz-Signature=[redacted]',
    )
    expect(url('https://api.example.com/v1/x?q=a+b&sort=-created')).toBe(
      'https://api.example.com/v1/x?q=a+b&sort=-created',
    )
  })

  test('redacts JSON fields named like secrets at any depth and in arrays, the whole value below them', () => {
    const body = {
      user: { email: 'a@example.com', password: 'SecurePass123!', ssn: '123-45-6789' },
      access_token: 'at_123456',
      credentials: { username: 'ann', pin: 4321 },
      clients: [{ id: 'c_1', clientSecret: 'cs_123456' }],
      tokens: 42,
      max_tokens: 100,
      token_type: 'Bearer',
      expires_in: 3600,
      id: '123e4567-e89b-12d3-a456-426614174000',
      created: '2024-05-01T12:00:00Z',
    }
    const redacted = new Redactor({ redact: { fields: ['ssn'] } }).request(request({ body: { json: body } }))
    expect(redacted.body).toEqual({
      json: {
        user: { email: 'a@example.com', password: '[redacted]', ssn: '[redacted]' },
        access_token: '[redacted]',
        credentials: { username: '[redacted]', pin: '[redacted]' },
        clients: [{ id: 'c_1', clientSecret: '[redacted]' }],
        tokens: 42,
        max_tokens: 100,
        token_type: 'Bearer',
        expires_in: 3600,
        id: '123e4567-e89b-12d3-a456-426614174000',
        created: '2024-05-01T12:00:00Z',
      },
    })
  })

  test('redacts form fields, and secrets by shape in text: pairs, JWTs, bearer credentials, provider keys', () => {
    const redactor = new Redactor()
    const form = redactor.request(
      request({
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: { text: 'grant_type=client_credentials&client_secret=cs_9f8e7d6c&amount=1000' },
      }),
    )
    expect(form.body).toEqual({ text: 'grant_type=client_credentials&client_secret=[redacted]&amount=1000' })
    const text = [
      `id_token ${JWT}`,
      'Authorization: Bearer abc.def-123456',
      'password=hunter22',
      'aws AKIAIOSFODNN7EXAMPLE, gh ghp_16C7e42F292c6912E7710c838347Ae178B4a, stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc',
      'Basic information about order 123e4567-e89b-12d3-a456-426614174000 for ann@example.com',
    ].join('\n')
    expect(redactor.request(request({ body: { text } })).body).toEqual({
      text: [
        'id_token [redacted]',
        'Authorization: [redacted]',
        'password=[redacted]',
        'aws [redacted], gh [redacted], stripe [redacted]',
        'Basic information about order 123e4567-e89b-12d3-a456-426614174000 for ann@example.com',
      ].join('\n'),
    })
  })

  test('redacts private keys and long random strings, and leaves names, slugs and UUIDs', () => {
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\n-----END RSA PRIVATE KEY-----'
    const json = {
      cert: pem,
      hex: 'a3f9c2e1d4b5a6978812cd34ef56ab78a3f9c2e1d4b5a6978812cd34ef56ab78',
      b64: 'Kx9vQ2mP7rT4wY8zB3nF6hJ1sL5dG0aC',
      name: 'ThisIsAVeryLongPascalCaseName123',
      slug: 'my-long-article-title-about-things-2024',
      id: '123e4567-e89b-12d3-a456-426614174000',
    }
    expect(new Redactor().request(request({ body: { json } })).body).toEqual({
      json: { ...json, cert: '[redacted]', hex: '[redacted]', b64: '[redacted]' },
    })
  })

  test('replaces a redacted value, and each value of `secrets`, wherever else it appears', () => {
    const redactor = new Redactor({ secrets: ['listed-secret-1'] })
    redactor.request(request({ headers: { authorization: 'Bearer opaque-token-1' } }))
    const response = redactor.response({
      status: 200,
      headers: {},
      body: { json: { echo: 'opaque-token-1', url: 'https://x.example/?t=opaque-token-1', other: 'listed-secret-1' } },
    })
    expect(response.body).toEqual({
      json: { echo: '[redacted]', url: 'https://x.example/?t=[redacted]', other: '[redacted]' },
    })
  })

  test('keeps allowed places as they are', () => {
    const redactor = new Redactor({ allow: ['request.body.json.items[*].sha', 'request.headers["x-api-key"]'] })
    const sha = 'a3f9c2e1d4b5a6978812cd34ef56ab78a3f9c2e1'
    const redacted = redactor.request(
      request({ headers: { 'x-api-key': 'public-demo-key-1' }, body: { json: { items: [{ sha }], other: sha } } }),
    )
    expect(redacted.headers).toEqual({ 'x-api-key': 'public-demo-key-1' })
    expect(redacted.body).toEqual({ json: { items: [{ sha }], other: '[redacted]' } })
  })
})
