import { createHmac, timingSafeEqual } from 'node:crypto'

/** A signed `<userId>.<expiresAt>.<signature>` token: enough for a demo, no library needed. */
export function signToken(userId: string, secret: string, now = Date.now(), ttlMs = 3_600_000): string {
  const payload = `${userId}.${now + ttlMs}`
  return `${payload}.${sign(payload, secret)}`
}

/** The user id of a valid, unexpired token, or null. */
export function verifyToken(token: string, secret: string, now = Date.now()): string | null {
  const [userId, expiresAt, signature] = token.split('.')
  if (!userId || !expiresAt || !signature) return null
  const expected = Buffer.from(sign(`${userId}.${expiresAt}`, secret))
  const actual = Buffer.from(signature)
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return null
  return Number(expiresAt) > now ? userId : null
}

function sign(payload: string, secret: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url')
}
