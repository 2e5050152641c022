import pg from 'pg'
import { advisoryLockKey } from './advisory-lock-key.ts'
import { dropDatabase } from './drop-database.ts'
import { type CatalogEntry, listCatalog } from './template-catalog.ts'

/**
 * Keeps the `keep` most recently used templates and drops the rest, along with abandoned builds.
 * A template is skipped while anyone holds its lock: a build in progress, or a clone pool using it.
 * @returns the names dropped
 */
export async function dropOldTemplates(client: pg.ClientBase, keep: number): Promise<string[]> {
  const entries = await listCatalog(client)
  const templates = entries.filter((entry) => entry.kind === 'template' && entry.meta !== null)
  templates.sort((a, b) => (b.meta?.used ?? '').localeCompare(a.meta?.used ?? ''))
  const stale = [...templates.slice(keep), ...entries.filter((entry) => entry.kind === 'build')]
  const dropped: string[] = []
  for (const entry of stale) {
    if (await dropUnlessLocked(client, entry)) dropped.push(entry.name)
  }
  return dropped
}

async function dropUnlessLocked(client: pg.ClientBase, entry: CatalogEntry): Promise<boolean> {
  const key = advisoryLockKey('template', entry.shortHash)
  const { rows } = await client.query<{ free: boolean }>('SELECT pg_try_advisory_lock($1) AS free', [key])
  if (!rows[0]?.free) return false
  try {
    // Listed before we held the lock: its builder may have renamed it since, or another collector dropped it.
    if (!(await exists(client, entry.name))) return false
    // PostgreSQL refuses to drop a database marked as a template.
    await client.query(`ALTER DATABASE ${pg.escapeIdentifier(entry.name)} IS_TEMPLATE false`)
    await dropDatabase(client, entry.name)
    return true
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [key])
  }
}

async function exists(client: pg.ClientBase, name: string): Promise<boolean> {
  const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])
  return rowCount === 1
}
