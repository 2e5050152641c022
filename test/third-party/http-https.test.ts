// node:https and undici against a local TLS server whose self-signed certificate is made here with
// openssl: real TLS passes through untouched, and recording works over it.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { Agent, request as undiciRequest } from 'undici'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createHttpMock } from '../../src/public/http.ts'
import { recordEvenInCi } from '../fixtures/http-env.ts'
import { tempDir } from '../test-utils/temp-dir.ts'

function opensslAvailable(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

function selfSignedCertificate(): { key: string; cert: string } {
  const dir = tempDir('testbed-tls-')
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1']
      .concat(['-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'])
      .concat(['-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')]),
    { stdio: 'ignore' },
  )
  return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') }
}

function httpsGet(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca }, (res) => {
        let body = ''
        res.on('data', (chunk) => {
          body += chunk
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      })
      .on('error', reject)
  })
}

describe.skipIf(!opensslAvailable())('a local TLS server (certificate made with openssl)', () => {
  let server: { origin: string; ca: string; close(): void }
  recordEvenInCi()
  beforeAll(async () => {
    const { key, cert } = selfSignedCertificate()
    const tls = https.createServer({ key, cert }, (req, res) => {
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ path: req.url, secure: true }))
    })
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve))
    server = { origin: `https://127.0.0.1:${(tls.address() as AddressInfo).port}`, ca: cert, close: () => tls.close() }
  })
  afterAll(() => server.close())

  test('node:https and undici reach it through the interceptor, certificate checked', async () => {
    await using http = createHttpMock().listen()
    const dispatcher = new Agent({ connect: { ca: server.ca } })
    await http.run(async () => {
      expect(await httpsGet(`${server.origin}/a`, server.ca)).toEqual({
        status: 200,
        body: '{"path":"/a","secure":true}',
      })
      const res = await undiciRequest(`${server.origin}/b`, { dispatcher })
      expect(await res.body.json()).toEqual({ path: '/b', secure: true })
      await expect(httpsGet(`${server.origin}/c`, 'not the certificate')).rejects.toThrow()
    })
    await dispatcher.close()
    await http.verify()
  })

  test('records over TLS, then replays with no server', async () => {
    const cassette = join(tempDir('testbed-cassettes-'), 'tls.json')
    const interceptLoopback = [new URL(server.origin).host]
    {
      await using http = createHttpMock({ mode: 'record', cassette, interceptLoopback }).listen()
      expect(await http.run(() => httpsGet(`${server.origin}/charges`, server.ca))).toMatchObject({ status: 200 })
      await http.verify()
    }
    await using http = createHttpMock({ mode: 'replay', cassette, interceptLoopback }).listen()
    // The answer comes from the cassette: the certificate is not even checked.
    expect(await http.run(() => httpsGet(`${server.origin}/charges`, 'no certificate needed'))).toEqual({
      status: 200,
      body: '{"path":"/charges","secure":true}',
    })
    await http.verify()
  })
})
