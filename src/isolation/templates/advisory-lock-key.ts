import { createHash } from 'node:crypto'
import type pg from 'pg'

/**
 * The session advisory lock key guarding a template build or a clone's lease, as bigint text.
 * It keeps 63 bits so the key is positive, which lets `pg_locks` (classid, objid) be read back as
 * the same number.
 */
export function advisoryLockKey(scope: 'template' | 'clone', name: string): string {
  const digest = createHash('sha256').update(`testbed ${scope} ${name}`).digest()
  return (digest.readBigUInt64BE(0) >> 1n).toString()
}

/**
 * Every session advisory lock held on the server. Read from `pg_locks` rather than tried, because
 * `pg_try_advisory_lock` only sees locks taken from the same database.
 */
export async function heldAdvisoryLocks(client: pg.ClientBase): Promise<Set<string>> {
  const { rows } = await client.query<{ key: string }>(
    `SELECT ((classid::bigint << 32) | objid::bigint)::text AS key
       FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 1 AND granted`,
  )
  return new Set(rows.map((row) => row.key))
}
