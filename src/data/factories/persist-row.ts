import { type Queryable, quoteIdentifier, quoteTable } from '../queryable.ts'
import { columnNamesForError } from '../table-schema.ts'
import type { FactorySpec } from './define-factory.ts'
import { nowhereToWrite, unknownColumn, unknownTable } from './factory-errors.ts'

type Row = Record<string, unknown>

/** Stores the attributes through `persist`, or INSERT … RETURNING *, and returns the stored row by field. */
export async function persistRow(db: Queryable, spec: FactorySpec, attributes: Row): Promise<Row> {
  if (spec.persist !== undefined) {
    return (await spec.persist(attributes, { db, table: spec.table, factory: spec.name })) as Row
  }
  if (spec.table === undefined) throw nowhereToWrite(spec.name)
  const { text, values } = insertStatement(spec.table, spec, attributes)
  try {
    const { rows } = await db.query(text, values)
    return fieldsOf(rows[0] ?? {}, spec)
  } catch (error) {
    throw (await explain(error, db, spec, spec.table, attributes)) ?? error
  }
}

function insertStatement(table: string, spec: FactorySpec, attributes: Row): { text: string; values: unknown[] } {
  const fields = Object.keys(attributes)
  if (fields.length === 0) return { text: `INSERT INTO ${quoteTable(table)} DEFAULT VALUES RETURNING *`, values: [] }
  const columns = fields.map((field) => quoteIdentifier(spec.naming.column(field))).join(', ')
  const placeholders = fields.map((_, index) => `$${index + 1}`).join(', ')
  return {
    text: `INSERT INTO ${quoteTable(table)} (${columns}) VALUES (${placeholders}) RETURNING *`,
    values: fields.map((field) => attributes[field]),
  }
}

function fieldsOf(row: Row, spec: FactorySpec): Row {
  const result: Row = {}
  for (const [column, value] of Object.entries(row)) result[spec.naming.field(column)] = value
  return result
}

/**
 * A teaching error for the failures that mean the factory does not match the schema; other
 * errors (a unique violation a test may expect) pass through untouched.
 */
async function explain(error: unknown, db: Queryable, spec: FactorySpec, table: string, attributes: Row) {
  const { code, message } = error as { code?: string; message?: string }
  if (code === '42P01') return unknownTable(spec.name, table, error)
  if (code !== '42703') return undefined
  const column = /column "(.+?)"/.exec(message ?? '')?.[1] ?? '?'
  const attribute = Object.keys(attributes).find((field) => spec.naming.column(field) === column) ?? column
  const columns = await columnNamesForError(db, table)
  return unknownColumn({ factory: spec.name, table, attribute, column, columns }, error)
}
