import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { advisoryLockKey, heldAdvisoryLocks } from '../templates/advisory-lock-key.ts'
import { shortHash } from '../templates/template-catalog.ts'
import { dropIfUnused, openConnections } from './open-connections.ts'

// The lease protocol every pool follows, which makes orphans safe to tell apart:
// lock the clone's key before CREATE DATABASE; unlock only after DROP DATABASE, or after marking
// the clone kept. A clone that exists, is not kept and whose key nobody holds has lost its owner.

const CLONE_PREFIX = 'testbed_db_'
const KEPT_MARKER = 'testbed kept '

/**
 * A fresh clone name: the template's short hash, so a clone's template can be told, and 64 random
 * bits, so the pools of many machines sharing one server never pick the same name.
 */
export function cloneName(templateHash: string): string {
  return `${CLONE_PREFIX}${shortHash(templateHash)}_${randomBytes(8).toString('hex')}`
}

export function cloneLockKey(name: string): string {
  return advisoryLockKey('clone', name)
}

/** Marks a clone kept for a failed test, so no pool sweeps it up as an orphan. */
export async function markKept(client: pg.Pool | pg.ClientBase, name: string, template: string): Promise<void> {
  const comment = KEPT_MARKER + JSON.stringify({ template, kept: new Date().toISOString() })
  await client.query(`COMMENT ON DATABASE ${pg.escapeIdentifier(name)} IS ${pg.escapeLiteral(comment)}`)
}

/**
 * Drops the clones of every template whose owning process is gone. Listing twice closes both races:
 * a clone created after the lock snapshot is locked before it is listed, and one marked kept just
 * before its lock was released shows as kept in the second listing. An orphan that still has
 * connections (a pool closed it while an app's connections were open; that app may still run) is
 * left for a later sweep: ending them could crash that app's process.
 * @returns the names dropped
 */
export async function dropOrphanClones(client: pg.ClientBase): Promise<string[]> {
  const listed = await listUnkeptClones(client)
  const held = await heldAdvisoryLocks(client)
  const unowned = listed.filter((name) => !held.has(cloneLockKey(name)))
  if (unowned.length === 0) return []
  const stillUnkept = new Set(await listUnkeptClones(client))
  const inUse = await openConnections(client, unowned)
  const orphans = unowned.filter((name) => stillUnkept.has(name) && !inUse.has(name))
  const dropped: string[] = []
  // Another pool starting at the same moment may drop the same orphan first.
  for (const name of orphans) if (await dropIfUnused(client, name).catch(() => false)) dropped.push(name)
  return dropped
}

async function listUnkeptClones(client: pg.ClientBase): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT datname AS name FROM pg_database
      WHERE starts_with(datname, $1)
        AND coalesce(shobj_description(oid, 'pg_database'), '') NOT LIKE $2`,
    [CLONE_PREFIX, `${KEPT_MARKER}%`],
  )
  return rows.map((row) => row.name)
}
