// A corpus of the secrets real API traffic carries, recorded through a loopback server standing in
// for the third-party API: none may reach the cassette file, ordinary values must, and replay must
// still match. Then the cassette a redaction cannot fix is refused, naming each place.
import { existsSync, readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createHttpMock, type HttpMockOptions } from '../../src/public/http.ts'
import { recordEvenInCi } from '../fixtures/http-env.ts'
import { tempDir } from '../test-utils/temp-dir.ts'

const JWT =
  'eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJ1XzQyIiwiZW1haWwiOiJhbm5AZXhhbXBsZS5jb20ifQ.TCYt5XsITJX1CxPCT8yAV-TVkIEq_PbChOMqsLfRoPsnsgw5WEuts01mq-pQy7UJiN5mgRxD-WUcX16dUEMGlv50aqzpqh4Qktb3rk'
const PEM = [
  '-----BEGIN PRIVATE KEY-----',
  'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj',
  'MzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu',
  '-----END PRIVATE KEY-----',
].join('\n')

/** Each kind of secret, and a value of it: none may be in the written cassette. */
const SECRETS = {
  'Authorization: Bearer (request header)': 'at_opaque_5f2b9c1e7d',
  'Cookie (request header)': 'sess_8d7c6b5a4f3e',
  'Set-Cookie (response header)': 'sid_1a2b3c4d5e6f',
  'X-Access-Token (request header)': 'xat_77aa88bb99cc',
  'X-Api-Key (request header)': 'xak_0f1e2d3c4b5a',
  '?access_token= (query)': 'qat_2c4e6g8i0k',
  '?X-Amz-Signature= (query)': '0f9e8d7c6b5a49382716a5b4c3d2e1f00f9e8d7c6b5a49382716a5b4c3d2e1f0',
  '?X-Amz-Credential= (query, an AWS key id)': 'AKIAIOSFODNN7QUERY01',
  '?sig= (query, Azure SAS)': 'dGhpcyBpcyBhIHNpZ25hdHVyZQ+/=',
  'secret_key (JSON, nested)': 'sk_nested_93jf84hf',
  'clientSecret (JSON, in an array)': 'cs_array_5h6j7k8l',
  'password (JSON)': 'Tr0ub4dor&3x',
  'apiKey (JSON)': 'ak_json_1q2w3e4r',
  'private_key (JSON, PEM)': 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj',
  'client_secret (form body)': 'cs_form_0o9i8u7y',
  'a JWT (text body)': JWT,
  'Bearer … (text body)': 'opaque-text-token-7h6g5f',
  'access_token (response body)': 'at_resp_4r5t6y7u',
  'refresh_token (response body)': 'rt_resp_8i9o0p1a',
  'a PEM private key (text body)': 'MzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu',
  'an AWS access key id (response body)': 'AKIAIOSFODNN7RESP001',
  'a GitHub token (response body)': 'ghp_16C7e42F292c6912E7710c838347Ae178B4a',
  'a Stripe key (response body)': 'sk_live_51HkQ2eL9xYzAbCdEfGh',
  'a long random hex string (response body)': 'a3f9c2e1d4b5a6978812cd34ef56ab78a3f9c2e1d4b5a6978812cd34ef56ab78',
  'a long random base64 string (response body)': 'Kx9vQ2mP7rT4wY8zB3nF6hJ1sL5dG0aC+Ue/Wq==',
  'a signed URL in a response body': 'c2lnbmVkLXVybC1zaWduYXR1cmUtMjAyNA',
  'the bearer token echoed in a response': 'at_opaque_5f2b9c1e7d',
  'a value of `secrets`, in a URL path': 'tenant-key-5b8c2d9e',
}

/** Values a cassette is useless without: ids, UUIDs, emails, timestamps, short words. */
const ORDINARY = [
  '"id": 42',
  '"email": "ann@example.com"',
  '"uuid": "123e4567-e89b-12d3-a456-426614174000"',
  '"created": "2024-05-01T12:00:00Z"',
  '"charge": "ch_3MmlLrLkdIwHu7ix0snN0B15"',
  '"token_type": "Bearer"',
  '"expires_in": 3600',
  '"scope": "read write"',
  '"region": "eu-west-1"',
  '"status": "paid"',
]

async function readBody(req: IncomingMessage): Promise<string> {
  let body = ''
  for await (const chunk of req) body += chunk
  return body
}

/** The third-party API: an OAuth token endpoint, a profile, a signed download, a config store, notes. */
async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://upstream')
  const body = await readBody(req)
  const json = (value: unknown) => void res.setHeader('content-type', 'application/json').end(JSON.stringify(value))
  if (url.pathname === '/oauth/token') {
    return json({
      access_token: SECRETS['access_token (response body)'],
      refresh_token: SECRETS['refresh_token (response body)'],
      id_token: JWT,
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'read write',
    })
  }
  if (url.pathname === '/v1/me') {
    res.setHeader('set-cookie', `sid=${SECRETS['Set-Cookie (response header)']}; Path=/; HttpOnly`)
    const echo = req.headers.authorization?.replace('Bearer ', '')
    return json({
      id: 42,
      email: 'ann@example.com',
      uuid: '123e4567-e89b-12d3-a456-426614174000',
      created: '2024-05-01T12:00:00Z',
      echo,
    })
  }
  if (url.pathname === '/v1/config') {
    const signed = `https://bucket.s3.amazonaws.com/export.csv?X-Amz-Expires=300&X-Amz-Signature=${SECRETS['a signed URL in a response body']}`
    return json({
      region: JSON.parse(body).region,
      download_url: signed,
      values: {
        aws: SECRETS['an AWS access key id (response body)'],
        gh: SECRETS['a GitHub token (response body)'],
        stripe: SECRETS['a Stripe key (response body)'],
        hex: SECRETS['a long random hex string (response body)'],
        b64: SECRETS['a long random base64 string (response body)'],
      },
      charge: 'ch_3MmlLrLkdIwHu7ix0snN0B15',
      status: 'paid',
    })
  }
  if (url.pathname === '/v1/grants') return json({ grants: { [SECRETS['a GitHub token (response body)']]: ['repo'] } })
  // Bytes that are not UTF-8 (a protobuf, say) with a JWT among them: the cassette keeps them as base64.
  if (url.pathname === '/v1/blob') return void res.end(Buffer.concat([Buffer.from([0xff, 0x0a]), Buffer.from(JWT)]))
  res.setHeader('content-type', 'text/plain').end(`stored ${body.length} characters`)
}

/** The app under test: what it sends carries every request-side secret of the corpus. */
async function app(origin: string): Promise<Record<string, unknown>> {
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: 'app_1' })
  form.set('client_secret', SECRETS['client_secret (form body)'])
  const token = await (await fetch(`${origin}/oauth/token`, { method: 'POST', body: form })).json()
  const me = await fetch(`${origin}/v1/me?fields=email&access_token=${SECRETS['?access_token= (query)']}`, {
    headers: {
      authorization: `Bearer ${SECRETS['Authorization: Bearer (request header)']}`,
      cookie: `session=${SECRETS['Cookie (request header)']}; theme=dark`,
      'x-access-token': SECRETS['X-Access-Token (request header)'],
      'x-api-key': SECRETS['X-Api-Key (request header)'],
    },
  }).then((res) => res.json())
  const download = new URLSearchParams({
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `${SECRETS['?X-Amz-Credential= (query, an AWS key id)']}/20240501/eu-west-1/s3/aws4_request`,
    'X-Amz-Signature': SECRETS['?X-Amz-Signature= (query)'],
    sig: SECRETS['?sig= (query, Azure SAS)'],
  })
  const file = await (await fetch(`${origin}/files/report.pdf?${download}`)).text()
  const config = await fetch(`${origin}/v1/config`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      region: 'eu-west-1',
      config: { name: 'prod', nested: { secret_key: SECRETS['secret_key (JSON, nested)'], private_key: PEM } },
      clients: [{ id: 'c_1', clientSecret: SECRETS['clientSecret (JSON, in an array)'] }],
      password: SECRETS['password (JSON)'],
      apiKey: SECRETS['apiKey (JSON)'],
    }),
  }).then((res) => res.json())
  const note = [`webhook token: ${JWT}`, `Authorization: Bearer ${SECRETS['Bearer … (text body)']}`, PEM].join('\n')
  const stored = await (await fetch(`${origin}/v1/notes`, { method: 'POST', body: note })).text()
  const tenant = await (await fetch(`${origin}/v1/tenants/${SECRETS['a value of `secrets`, in a URL path']}`)).text()
  return { token, me, file, config, stored, tenant }
}

let upstream: { origin: string; close(): void }
recordEvenInCi()
beforeAll(async () => {
  const server = createServer((req, res) => void answer(req, res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  upstream = { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() }
})
afterAll(() => upstream.close())

async function record(cassette: string, options: HttpMockOptions, run: (origin: string) => Promise<unknown>) {
  const host = new URL(upstream.origin).host
  await using http = createHttpMock({ cassette, mode: 'record', interceptLoopback: [host], ...options }).listen()
  const result = await http.run(() => run(upstream.origin))
  await http.verify()
  return result
}

/** The secret as written, JSON-escaped or percent-encoded: any of them in the file is a leak. */
function forms(secret: string): string[] {
  return [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)]
}

describe.concurrent('recording a cassette', () => {
  test(`keeps none of ${Object.keys(SECRETS).length} kinds of secrets, keeps ordinary values, and still replays`, async () => {
    const cassette = join(tempDir('testbed-cassettes-'), 'corpus.json')
    const secrets = [SECRETS['a value of `secrets`, in a URL path']]
    const recorded = (await record(cassette, { secrets }, app)) as Record<string, Record<string, unknown>>
    const written = readFileSync(cassette, 'utf8')
    const leaked = Object.entries(SECRETS).filter(([, secret]) => forms(secret).some((form) => written.includes(form)))
    expect(leaked.map(([kind]) => kind)).toEqual([])
    for (const value of ORDINARY) expect(written).toContain(value)

    // Replay mode with the upstream intercepted: answers can only come from the cassette.
    const host = new URL(upstream.origin).host
    await using http = createHttpMock({ cassette, secrets, mode: 'replay', interceptLoopback: [host] }).listen()
    const replayed = (await http.run(() => app(upstream.origin))) as typeof recorded
    await http.verify()
    expect(replayed.me).toEqual({ ...recorded.me, echo: '[redacted]' })
    expect(replayed.config?.charge).toBe('ch_3MmlLrLkdIwHu7ix0snN0B15')
    expect(replayed.stored).toBe(recorded.stored)
  })
})

describe.concurrent('a cassette that still looks like it holds a secret', () => {
  const grantsAndBlob = async (origin: string) => {
    await (await fetch(`${origin}/v1/grants`)).json()
    return (await fetch(`${origin}/v1/blob`)).arrayBuffer()
  }

  test('is not written; the error names each place, and `allow` keeps them', async () => {
    const cassette = join(tempDir('testbed-cassettes-'), 'refused.json')
    await expect(record(cassette, {}, grantsAndBlob)).rejects.toThrow(
      [
        `[testbed] The recorded cassette still looks like it holds a secret, so it was not written: ${cassette}.`,
        'Recording replaces secrets with `[redacted]`: by name (Authorization and cookie headers; headers, parameters, form and JSON fields named like a token, secret, password, API key, signature or credential), by shape (private keys, JWTs, credentials after Bearer or Basic, provider keys such as AKIA…, ghp_…, sk_live_…, long random strings), and each value it removed, or listed in `secrets`, wherever else it appears. It does not rewrite JSON keys or binary bodies, and found the places below. Answer that request with a declared mock instead of recording it, or, if what a place holds is no secret, keep it with the `allow` option (the pattern after the place), and record again.',
        "  • interactions[0].response.body.json.grants: a JSON key holds a GitHub token (40 characters); allow: 'response.body.json.grants'",
        `  • interactions[1].response.body.base64: a JWT (${JWT.length} characters); allow: 'response.body.base64'`,
      ].join('\n'),
    )
    expect(existsSync(cassette)).toBe(false)
    await record(cassette, { allow: ['response.body.json.grants', 'response.body.base64'] }, grantsAndBlob)
    const { interactions } = JSON.parse(readFileSync(cassette, 'utf8'))
    expect(Object.keys(interactions[0].response.body.json.grants)).toEqual([SECRETS['a GitHub token (response body)']])
  })
})
