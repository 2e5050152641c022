import { isProbe } from '../factories/factory-view.ts'
import { type Queryable, quoteIdentifier, quoteTable } from '../queryable.ts'
import { unknownFixture } from './fixture-errors.ts'
import type { ResolvedTable } from './resolve-fixtures.ts'

/** Which labels each table has, for typed access: `{ users: 'alice' | 'bob'; posts: 'hello' }`. */
export type LabelShape = { readonly [table: string]: string }

/**
 * A fixture row as stored in the test's database, by column name. `id` is the `id` column: the
 * label's stable id for an integer key (a string for a uuid key, which the type does not say).
 */
export interface FixtureRow {
  readonly id: number
  readonly [column: string]: unknown
}

/** `fixtures.users.alice.id`: each table's rows by label; an unknown table or label throws. */
export type FixtureSet<Labels extends LabelShape = LabelShape> = {
  readonly [Table in keyof Labels]: { readonly [Label in Labels[Table]]: FixtureRow }
}

type Row = Record<string, unknown>

/** Reads every fixture row back by its key, so rows carry what the database filled in (defaults, timestamps). */
export async function readFixtureSet(
  db: Queryable,
  tables: readonly ResolvedTable[],
  folder: string,
): Promise<FixtureSet> {
  const set: Record<string, Record<string, Row>> = {}
  for (const table of tables) {
    const stored = await readStored(db, table)
    const rows: Record<string, Row> = {}
    for (const row of table.rows) rows[row.label] = stored.get(String(row.key)) ?? row.values
    set[table.file.table] = guarded(rows, (label) => {
      throw unknownFixture('label', label, Object.keys(rows), table.file.name)
    })
  }
  return guarded(set, (name) => {
    throw unknownFixture('table', name, Object.keys(set), folder)
  }) as FixtureSet
}

async function readStored(db: Queryable, table: ResolvedTable): Promise<Map<string, Row>> {
  const primaryKey = table.info.primaryKey?.name
  const keys = table.rows.map((row) => row.key).filter((key) => key !== undefined)
  if (primaryKey === undefined || keys.length === 0) return new Map()
  const column = quoteIdentifier(primaryKey)
  const { rows } = await db.query(
    `SELECT * FROM ${quoteTable(table.file.table)} WHERE ${column}::text = ANY($1::text[])`,
    [keys.map(String)],
  )
  return new Map(rows.map((row) => [String(row[primaryKey]), row]))
}

function guarded<T extends object>(target: T, missing: (name: string) => never): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      if (typeof property === 'symbol' || Object.hasOwn(object, property) || isProbe(property)) {
        return Reflect.get(object, property, receiver)
      }
      return missing(property)
    },
  })
}
