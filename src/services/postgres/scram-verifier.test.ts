import { createHash, createHmac } from 'node:crypto'
import { expect, test } from 'vitest'
import { scramVerifier } from './scram-verifier.ts'

// The exchange of RFC 7677, section 3: user "user", password "pencil".
const SALT = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64')
const AUTH_MESSAGE = [
  'n=user,r=rOprNGfwEbeRWgbNEkqO',
  'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
  'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0',
].join(',')
const CLIENT_PROOF = Buffer.from('dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=', 'base64')
const SERVER_SIGNATURE = '6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4='

function parts(verifier: string): { head: string; storedKey: Buffer; serverKey: Buffer } {
  const [head = '', keys = ''] = verifier.split(/\$(?=[^$]*$)/)
  const [storedKey = '', serverKey = ''] = keys.split(':')
  return { head, storedKey: Buffer.from(storedKey, 'base64'), serverKey: Buffer.from(serverKey, 'base64') }
}

test('the secret accepts the RFC 7677 client proof and yields its server signature', () => {
  const { head, storedKey, serverKey } = parts(scramVerifier('pencil', 4096, SALT))
  expect(head).toBe('SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==')
  // What the server checks: H(ClientProof XOR HMAC(StoredKey, AuthMessage)) = StoredKey.
  const signature = createHmac('sha256', storedKey).update(AUTH_MESSAGE).digest()
  const clientKey = Buffer.from(CLIENT_PROOF.map((byte, index) => byte ^ (signature[index] ?? 0)))
  expect(createHash('sha256').update(clientKey).digest()).toEqual(storedKey)
  expect(createHmac('sha256', serverKey).update(AUTH_MESSAGE).digest('base64')).toBe(SERVER_SIGNATURE)
})

test('a fresh salt each time, and the iteration count it was asked for', () => {
  const [a, b] = [scramVerifier('secret', 1), scramVerifier('secret', 1)]
  expect(a).toMatch(/^SCRAM-SHA-256\$1:[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=$/)
  expect(a).not.toBe(b)
})
