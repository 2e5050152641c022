import { describeCause, TestbedError } from '../../core/errors.ts'
import { type Queryable, quoteIdentifier, quoteTable } from '../queryable.ts'
import type { ResolvedTable } from './resolve-fixtures.ts'

// PostgreSQL takes at most 65,535 parameters per statement.
const MAX_PARAMETERS = 60_000

/**
 * Inserts the fixtures in one transaction, referenced tables first; a cycle between tables needs
 * its foreign keys DEFERRABLE (they are deferred here). Then each sequence of a column the
 * fixtures wrote is moved past the largest value, so later inserts never collide with a fixture id.
 */
export async function insertFixtures(db: Queryable, tables: readonly ResolvedTable[]): Promise<void> {
  await db.query('BEGIN')
  try {
    await db.query('SET CONSTRAINTS ALL DEFERRED')
    for (const table of insertionOrder(tables)) await insertTable(db, table)
    for (const table of tables) await moveSequences(db, table)
    await db.query('COMMIT')
  } catch (error) {
    await db.query('ROLLBACK').catch(() => {})
    throw error
  }
}

/** Kahn's algorithm over references between fixture tables, ties (and cycles) in file order. */
export function insertionOrder(tables: readonly ResolvedTable[]): ResolvedTable[] {
  const byOid = new Map(tables.map((table) => [table.info.oid, table]))
  const pending = new Set(tables)
  const order: ResolvedTable[] = []
  const dependsOnPending = (table: ResolvedTable) =>
    table.info.foreignKeys.some((key) => {
      const target = byOid.get(key.targetOid)
      return target !== undefined && target !== table && pending.has(target)
    })
  while (pending.size > 0) {
    const next = [...pending].find((table) => !dependsOnPending(table)) ?? [...pending][0]
    if (next === undefined) break
    pending.delete(next)
    order.push(next)
  }
  return order
}

async function insertTable(db: Queryable, table: ResolvedTable): Promise<void> {
  const columns = [...new Set(table.rows.flatMap((row) => Object.keys(row.values)))]
  const name = quoteTable(table.file.table)
  const statements =
    columns.length === 0
      ? table.rows.map(() => ({ text: `INSERT INTO ${name} DEFAULT VALUES`, values: [] }))
      : chunks(table.rows, Math.floor(MAX_PARAMETERS / columns.length)).map((rows) => insertRows(name, columns, rows))
  for (const { text, values } of statements) {
    await db.query(text, values).catch((error: unknown) => {
      throw insertFailed(table, error)
    })
  }
}

function insertRows(name: string, columns: string[], rows: ResolvedTable['rows']) {
  const values: unknown[] = []
  const tuples = rows.map((row) => `(${columns.map((column) => placeholder(row.values, column, values)).join(', ')})`)
  const text = `INSERT INTO ${name} (${columns.map(quoteIdentifier).join(', ')}) VALUES ${tuples.join(', ')}`
  return { text, values }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = []
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size))
  return result
}

function placeholder(row: Record<string, unknown>, column: string, values: unknown[]): string {
  if (!(column in row)) return 'DEFAULT'
  values.push(row[column])
  return `$${values.length}`
}

async function moveSequences(db: Queryable, table: ResolvedTable): Promise<void> {
  const written = new Set(table.rows.flatMap((row) => Object.keys(row.values)))
  const name = quoteTable(table.file.table)
  for (const column of written) {
    const { rows } = await db.query('SELECT pg_get_serial_sequence($1, $2) AS sequence', [name, column])
    const sequence = rows[0]?.sequence
    if (typeof sequence !== 'string') continue
    // nextval() first: setval() must never move a sequence back below values it already gave out.
    await db.query(`SELECT setval($1, GREATEST(nextval($1), (SELECT max(${quoteIdentifier(column)}) FROM ${name})))`, [
      sequence,
    ])
  }
}

function insertFailed(table: ResolvedTable, cause: unknown): TestbedError {
  const { detail } = cause as { detail?: string }
  return new TestbedError(
    'TESTBED_DATA_ROWS_INSERT_FAILED',
    {
      what: 'Cannot insert labelled fixtures',
      subject: table.file.path,
      why: `PostgreSQL refused the rows: ${describeCause(cause)}`,
      fix: 'Fix the rows in the file, or the schema they are written against',
      details: detail === undefined ? [] : [detail],
    },
    { cause },
  )
}
