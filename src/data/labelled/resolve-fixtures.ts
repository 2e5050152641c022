import type { Queryable } from '../queryable.ts'
import { type ForeignKeyInfo, listTables, readTables, type TableInfo } from '../table-schema.ts'
import {
  type FixtureSite,
  idCollision,
  undefinedLabel,
  unknownFixtureColumn,
  unknownFixtureTable,
} from './fixture-errors.ts'
import { derivedKey } from './fixture-id.ts'
import type { FixtureFile, FixtureRowSource } from './read-fixture-files.ts'

export interface ResolvedRow {
  label: string
  /** The primary key's value: given, derived from the label, or `undefined` (the column's default). */
  key: unknown
  /** Column → value, references replaced by the referenced row's key. */
  values: Record<string, unknown>
}

export interface ResolvedTable {
  file: FixtureFile
  info: TableInfo
  rows: ResolvedRow[]
}

interface Keyed {
  file: FixtureFile
  info: TableInfo
  keys: Map<string, unknown>
}

const INTEGER_TYPES = ['integer', 'bigint', 'smallint']
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Checks the fixture files against the schema and turns labels into keys, Rails' way. */
export async function resolveFixtures(db: Queryable, files: readonly FixtureFile[]): Promise<ResolvedTable[]> {
  const infos = await readTables(
    db,
    files.map((file) => file.table),
  )
  const missing = files.find((file) => infos.get(file.table) === undefined)
  if (missing !== undefined) throw unknownFixtureTable(missing, await listTables(db))
  const keyed = files.map((file) => keysOf(file, infos.get(file.table) as TableInfo))
  const byOid = new Map(keyed.map((table) => [table.info.oid, table]))
  return keyed.map((table) => ({
    file: table.file,
    info: table.info,
    rows: table.file.rows.map((row) => resolveRow(row, table, byOid)),
  }))
}

function keysOf(file: FixtureFile, info: TableInfo): Keyed {
  const primaryKey = info.primaryKey
  const keys = new Map<string, unknown>()
  const labelsByKey = new Map<unknown, string>()
  for (const row of file.rows) {
    const given = primaryKey === undefined ? undefined : row.values.get(primaryKey.name)?.value
    const key = given ?? (primaryKey === undefined ? undefined : derivedKey(primaryKey.type, row.label))
    const other = labelsByKey.get(key)
    if (given === undefined && other !== undefined) throw idCollision(file, other, row.label, key)
    if (key !== undefined) labelsByKey.set(key, row.label)
    keys.set(row.label, key)
  }
  return { file, info, keys }
}

function resolveRow(row: FixtureRowSource, table: Keyed, byOid: Map<number, Keyed>): ResolvedRow {
  const { info } = table
  const key = table.keys.get(row.label)
  const values: Record<string, unknown> = {}
  if (info.primaryKey !== undefined && key !== undefined) values[info.primaryKey.name] = key
  for (const [column, { value, line }] of row.values) {
    const site = { file: table.file, line, label: row.label, column }
    const [name, resolved] = resolveValue(site, value, info, byOid)
    values[name] = resolved
  }
  return { label: row.label, key, values }
}

function resolveValue(
  site: FixtureSite,
  value: unknown,
  info: TableInfo,
  byOid: Map<number, Keyed>,
): [string, unknown] {
  const column = info.columns.find((candidate) => candidate.name === site.column)
  if (column !== undefined) {
    const foreignKey = info.foreignKeys.find((key) => key.column === column.name)
    if (foreignKey !== undefined && isLabel(value, column.type)) {
      return [column.name, referencedKey(site, value as string, foreignKey, byOid)]
    }
    return [column.name, literal(value, site.label, column.type)]
  }
  const reference = info.foreignKeys.find((key) => key.column === `${site.column}_id`)
  if (reference === undefined) throw unknownColumnAt(site, info)
  return [reference.column, value === null ? null : referencedKey(site, String(value), reference, byOid)]
}

/** A string in an integer or uuid foreign key column that is not a number or uuid names a row. */
function isLabel(value: unknown, type: string): boolean {
  if (typeof value !== 'string') return false
  if (INTEGER_TYPES.includes(type)) return !/^-?\d+$/.test(value)
  return type === 'uuid' && !UUID.test(value)
}

function referencedKey(site: FixtureSite, label: string, foreignKey: ForeignKeyInfo, byOid: Map<number, Keyed>) {
  const target = byOid.get(foreignKey.targetOid)
  if (target === undefined || !target.keys.has(label)) {
    throw undefinedLabel(site, label, foreignKey.targetTable, target?.file)
  }
  if (foreignKey.targetColumn === target.info.primaryKey?.name) return target.keys.get(label)
  return target.file.rows.find((row) => row.label === label)?.values.get(foreignKey.targetColumn)?.value
}

/** Rails' `$LABEL` interpolation; objects and arrays for json columns as JSON text. */
function literal(value: unknown, label: string, type: string): unknown {
  if (typeof value === 'string') return value.replaceAll('$LABEL', label)
  if ((type === 'json' || type === 'jsonb') && value !== null && typeof value === 'object') return JSON.stringify(value)
  return value
}

function unknownColumnAt(site: FixtureSite, info: TableInfo): Error {
  const references = info.foreignKeys.filter((key) => key.column.endsWith('_id')).map((key) => key.column.slice(0, -3))
  return unknownFixtureColumn(
    site,
    info.table,
    info.columns.map((column) => column.name),
    references,
  )
}
