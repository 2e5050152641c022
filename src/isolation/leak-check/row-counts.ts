import type pg from 'pg'
import { TRACKING_SCHEMA } from '../tracking/write-tracking.ts'

/** Rows per table, by qualified name (`public.users`). */
export type RowCounts = Map<string, number>

/**
 * Counts the rows of `tables` (every user table when not given) in one round trip; exact counts,
 * since statistics lag behind.
 */
export async function countRows(client: pg.ClientBase, tables?: readonly string[]): Promise<RowCounts> {
  const names = tables ?? (await userTables(client))
  if (names.length === 0) return new Map()
  const union = names
    .map((name) => `SELECT ${literal(name)} AS name, count(*)::int AS rows FROM ${name}`)
    .join(' UNION ALL ')
  const counts = await client.query<{ name: string; rows: number }>(union)
  return new Map(counts.rows.map((row) => [row.name, row.rows]))
}

async function userTables(client: pg.ClientBase): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(`
    SELECT format('%I.%I', n.nspname, c.relname) AS name
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
      AND n.nspname NOT IN ('pg_catalog', 'information_schema', '${TRACKING_SCHEMA}')
      AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
    ORDER BY 1`)
  return rows.map((row) => row.name)
}

function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`
}
