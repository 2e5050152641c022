import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto'

/**
 * The SCRAM-SHA-256 secret PostgreSQL stores for `password` (RFC 5802, RFC 7677), in the form
 * `ALTER ROLE … PASSWORD` accepts as already hashed: the server never sees the password itself, and
 * the iteration count is ours to choose on every version (`scram_iterations` exists only from 16).
 */
export function scramVerifier(password: string, iterations: number, salt: Buffer = randomBytes(16)): string {
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256')
  const clientKey = hmac(salted, 'Client Key')
  const storedKey = createHash('sha256').update(clientKey).digest()
  const serverKey = hmac(salted, 'Server Key')
  const b64 = (bytes: Buffer) => bytes.toString('base64')
  return `SCRAM-SHA-256$${iterations}:${b64(salt)}$${b64(storedKey)}:${b64(serverKey)}`
}

function hmac(key: Buffer, text: string): Buffer {
  return createHmac('sha256', key).update(text).digest()
}
