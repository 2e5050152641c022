import pg from 'pg'
import { type Queryable, quoteTable } from './queryable.ts'

/** A column as testbed's data checks need it. */
export interface ColumnInfo {
  name: string
  /** `format_type()`: `integer`, `text`, `uuid`, `jsonb`, … */
  type: string
  notNull: boolean
  /** A default, an identity or a generated expression: the server fills it when the insert does not. */
  hasDefault: boolean
}

/** A single-column foreign key: `column` → `target`(`targetColumn`). */
export interface ForeignKeyInfo {
  column: string
  targetOid: number
  /** The referenced table as `regclass` prints it: `users`, or `app.users` off the search path. */
  targetTable: string
  targetColumn: string
}

export interface TableInfo {
  /** The table as the caller named it. */
  table: string
  oid: number
  columns: ColumnInfo[]
  /** The primary key, when it is a single column. */
  primaryKey: ColumnInfo | undefined
  foreignKeys: ForeignKeyInfo[]
}

const TABLES = `SELECT t.name, to_regclass(t.quoted)::oid AS oid FROM unnest($1::text[], $2::text[]) AS t(name, quoted)`
const COLUMNS = `SELECT a.attrelid::oid AS oid, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
  a.attnotnull AS not_null, (a.atthasdef OR a.attidentity <> '' OR a.attgenerated <> '') AS has_default
  FROM pg_attribute a WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`
const KEYS = `SELECT c.conrelid::oid AS oid, c.contype AS kind, a.attname AS column, c.confrelid::oid AS target_oid,
  c.confrelid::regclass::text AS target_table, fa.attname AS target_column
  FROM pg_constraint c
  JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
  LEFT JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = c.confkey[1]
  WHERE c.conrelid = ANY($1::oid[]) AND c.contype IN ('p', 'f') AND cardinality(c.conkey) = 1`

/**
 * Reads each table's columns, single-column primary key and single-column foreign keys, in three
 * round trips whatever the number of tables. A table that does not exist maps to `undefined`.
 */
export async function readTables(
  db: Queryable,
  tables: readonly string[],
): Promise<Map<string, TableInfo | undefined>> {
  const found = await db.query(TABLES, [tables, tables.map(quoteTable)])
  const oids = found.rows.map((row) => row.oid).filter((oid) => oid !== null)
  const [columns, keys] = [await db.query(COLUMNS, [oids]), await db.query(KEYS, [oids])]
  const result = new Map<string, TableInfo | undefined>()
  for (const row of found.rows) {
    const table = String(row.name)
    result.set(table, row.oid === null ? undefined : tableInfo(table, Number(row.oid), columns.rows, keys.rows))
  }
  return result
}

function tableInfo(table: string, oid: number, columnRows: Row[], keyRows: Row[]): TableInfo {
  const columns = columnRows.filter((row) => Number(row.oid) === oid).map(toColumn)
  const keys = keyRows.filter((row) => Number(row.oid) === oid)
  const primary = keys.find((key) => key.kind === 'p')
  return {
    table,
    oid,
    columns,
    primaryKey: columns.find((column) => column.name === primary?.column),
    foreignKeys: keys
      .filter((key) => key.kind === 'f')
      .map((key) => ({
        column: String(key.column),
        targetOid: Number(key.target_oid),
        targetTable: String(key.target_table),
        targetColumn: String(key.target_column),
      })),
  }
}

type Row = Record<string, unknown>

function toColumn(row: Row): ColumnInfo {
  return {
    name: String(row.name),
    type: String(row.type),
    notNull: row.not_null === true,
    hasDefault: row.has_default === true,
  }
}

/**
 * The column names of `table`, for an error message written after a failed statement. Under the
 * `transaction` strategy that statement aborted the test's transaction, so when the database has a
 * URL the names are read over a connection of its own; `undefined` when they cannot be read.
 */
export async function columnNamesForError(db: Queryable, table: string): Promise<string[] | undefined> {
  try {
    const info = db.url === undefined ? await readTables(db, [table]) : await withClient(db.url, table)
    return info.get(table)?.columns.map((column) => column.name)
  } catch {
    return undefined
  }
}

async function withClient(url: string, table: string): Promise<Map<string, TableInfo | undefined>> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await readTables(client, [table])
  } finally {
    await client.end()
  }
}

/** Every table outside the system schemas, as `name` on the search path's `public`, else `schema.name`. */
export async function listTables(db: Queryable): Promise<string[]> {
  const { rows } = await db.query(
    `SELECT CASE WHEN table_schema = 'public' THEN table_name ELSE table_schema || '.' || table_name END AS name
     FROM information_schema.tables
     WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_schema NOT LIKE 'testbed%'
     ORDER BY 1`,
  )
  return rows.map((row) => String(row.name))
}
