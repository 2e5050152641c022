import type pg from 'pg'
import { TestbedError } from '../../core/errors.ts'
import { TRACKING_SCHEMA } from '../reset/write-tracking.ts'

/** Rows per table, by qualified name (`public.users`). */
export type RowCounts = Map<string, number>

/** One table whose row count differs from its baseline. */
export interface Leak {
  table: string
  before: number
  after: number
}

/** Counts every user table's rows in one round trip (exact counts: statistics lag behind). */
export async function countRows(client: pg.ClientBase | pg.Pool): Promise<RowCounts> {
  const tables = await client.query<{ name: string }>(`
    SELECT format('%I.%I', n.nspname, c.relname) AS name
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
      AND n.nspname NOT IN ('pg_catalog', 'information_schema', '${TRACKING_SCHEMA}')
      AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
    ORDER BY 1`)
  if (tables.rows.length === 0) return new Map()
  const union = tables.rows
    .map(({ name }) => `SELECT ${literal(name)} AS name, count(*)::int AS rows FROM ${name}`)
    .join(' UNION ALL ')
  const counts = await client.query<{ name: string; rows: number }>(union)
  return new Map(counts.rows.map((row) => [row.name, row.rows]))
}

export function compareRowCounts(before: RowCounts, after: RowCounts): Leak[] {
  const names = new Set([...before.keys(), ...after.keys()])
  return [...names]
    .map((table) => ({ table, before: before.get(table) ?? 0, after: after.get(table) ?? 0 }))
    .filter((leak) => leak.before !== leak.after)
}

export function leakError(leaks: Leak[], testName: string): TestbedError {
  return new TestbedError('TESTBED_ISOLATION_LEAK', {
    what: `Rows leaked out of the test's isolation in ${leaks.length} table${leaks.length === 1 ? '' : 's'}`,
    subject: testName,
    why: "The database did not return to its starting rows after the test, which usually means the test committed through a connection of its own instead of the test's `db` pool",
    fix: "Run every query through `db.pool` / `db.query` (or use isolation 'database' for code that must open its own connections), or turn the check off with `leakCheck: false`",
    details: leaks.map(
      ({ table, before, after }) => `${table}: ${rowCount(before)} before, ${after} after (${signed(after - before)})`,
    ),
  })
}

function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`
}

function rowCount(count: number): string {
  return `${count} row${count === 1 ? '' : 's'}`
}

function signed(delta: number): string {
  return delta > 0 ? `+${delta}` : String(delta)
}
