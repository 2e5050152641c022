import pg from 'pg'
import { TestbedError } from '../../core/errors.ts'
import type { ServerInfo } from '../templates/connect-admin.ts'

/** How `CREATE DATABASE … TEMPLATE` copies the template (PostgreSQL 15+). */
export type CloneStrategy = 'FILE_COPY' | 'WAL_LOG'

export const CLONE_STRATEGY_OPTIONS = ['auto', 'FILE_COPY', 'WAL_LOG'] as const

/**
 * The clone strategy to use, or null before PostgreSQL 15, which only copies files. `auto` picks
 * FILE_COPY when fsync is off: its two checkpoints then cost little, while WAL_LOG writes every
 * page of the template to the WAL (measurements in decisions/0007-database-clones.md).
 */
export async function chooseCloneStrategy(
  client: pg.ClientBase,
  requested: CloneStrategy | 'auto',
  server: ServerInfo,
): Promise<CloneStrategy | null> {
  if (server.versionNum < 150000) {
    if (requested === 'WAL_LOG') throw walLogUnsupported(server)
    return null
  }
  if (requested !== 'auto') return requested
  const { rows } = await client.query<{ fsync: string }>(`SELECT current_setting('fsync') AS fsync`)
  return rows[0]?.fsync === 'off' ? 'FILE_COPY' : 'WAL_LOG'
}

export function cloneStatement(name: string, template: string, strategy: CloneStrategy | null): string {
  const clause = strategy === null ? '' : ` STRATEGY ${strategy}`
  return `CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE ${pg.escapeIdentifier(template)}${clause}`
}

function walLogUnsupported(server: ServerInfo): TestbedError {
  return new TestbedError('TESTBED_CONFIG_INVALID', {
    what: "Invalid option in createDatabasePool(): `strategy: 'WAL_LOG'`",
    subject: `the server runs PostgreSQL ${server.version}`,
    why: 'CREATE DATABASE … STRATEGY WAL_LOG arrived in PostgreSQL 15; older servers only copy files',
    fix: "Use `strategy: 'auto'` (the default) or `'FILE_COPY'`",
  })
}
