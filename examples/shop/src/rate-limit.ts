import type { Redis } from 'ioredis'

/** A fixed-window counter in Redis: true while `key` has been hit at most `limit` times this window. */
export async function allow(redis: Redis, key: string, limit: number, windowSeconds: number): Promise<boolean> {
  const counter = `rate:${key}`
  const [[, hits]] = (await redis.multi().incr(counter).expire(counter, windowSeconds, 'NX').exec()) as [[null, number]]
  return hits <= limit
}
