import { expect, test } from 'vitest'
import { isSecretHeader, isSecretName } from './secret-names.ts'

test.for([
  'access_token',
  'X-Access-Token',
  'refreshToken',
  'client_secret',
  'clientSecret',
  'secret_key',
  'private_key',
  'apiKey',
  'X-Api-Key',
  'password',
  'passphrase',
  'X-Amz-Signature',
  'X-Amz-Credential',
  'X-Hub-Signature-256',
  'key',
  'sig',
  'basic_auth',
])('%s names a secret', (name) => {
  expect(isSecretName(name)).toBe(true)
})

test.for([
  'token_type',
  'tokens',
  'max_tokens',
  'expires_in',
  'api_key_id',
  'private_key_id',
  'keyword',
  'author',
  'monkey',
])('%s names no secret', (name) => {
  expect(isSecretName(name)).toBe(false)
})

test('headers: Authorization and cookies always, others by name, and those listed in `redact.headers`', () => {
  const extra = new Set(['x-tenant'])
  expect(
    ['authorization', 'cookie', 'set-cookie', 'x-vault-token', 'x-tenant'].map((h) => isSecretHeader(h, extra)),
  ).toEqual([true, true, true, true, true])
  expect(['accept', 'etag', 'x-request-id'].map((h) => isSecretHeader(h, extra))).toEqual([false, false, false])
})
