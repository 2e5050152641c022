import { TestbedError } from '../../core/errors.ts'
import type { Queryable } from '../queryable.ts'
import { closest, listNames } from '../suggest.ts'
import { listTables, readTables, type TableInfo } from '../table-schema.ts'
import { type FactorySpec, specOf } from './define-factory.ts'
import type { AnyFactory, FactoryRegistry } from './factory-types.ts'

/** One mismatch between a factory (or one of its traits) and the database schema. */
export interface LintProblem {
  kind: 'unknown-table' | 'unknown-column' | 'missing-not-null'
  /** The factory's name in the registry (or its own name). */
  factory: string
  trait?: string
  table: string
  /** The attribute that maps to no column (`unknown-column`). */
  attribute?: string
  /** The column concerned (`unknown-column`, `missing-not-null`). */
  column?: string
  /** One line, as `assertLint` lists it. */
  message: string
}

/**
 * Checks every factory and trait against the real schema, as factory_bot's `FactoryBot.lint` does
 * by creating each one: tables that do not exist, attributes that map to no column, NOT NULL
 * columns without a default that the factory leaves unset. Factories with only `persist` are skipped.
 * @example expect(await lint({ user, post }, db)).toEqual([])
 */
export async function lint(factories: FactoryRegistry | readonly AnyFactory[], db: Queryable): Promise<LintProblem[]> {
  const named = Array.isArray(factories)
    ? factories.map((factory) => [specOf(factory).name, specOf(factory)] as const)
    : Object.entries(factories as FactoryRegistry).map(([name, factory]) => [name, specOf(factory)] as const)
  const withTable = named.filter(([, spec]) => spec.table !== undefined)
  const tables = await readTables(db, [...new Set(withTable.map(([, spec]) => spec.table as string))])
  const problems: LintProblem[] = []
  let allTables: string[] | undefined
  for (const [name, spec] of withTable) {
    const table = spec.table as string
    const info = tables.get(table)
    if (info === undefined) {
      allTables ??= await listTables(db)
      problems.push(unknownTableProblem(name, table, allTables))
    } else problems.push(...lintFactory(name, spec, info))
  }
  return problems
}

/**
 * `lint()`, throwing a TestbedError that lists every problem when there is one.
 * @example
 * test('factories match the schema', async ({ db }) => assertLint([user, order], db))
 */
export async function assertLint(factories: FactoryRegistry | readonly AnyFactory[], db: Queryable): Promise<void> {
  const problems = await lint(factories, db)
  if (problems.length === 0) return
  throw new TestbedError('TESTBED_DATA_LINT', {
    what: 'The factories do not match the database schema',
    subject: problems.length === 1 ? '1 problem' : `${problems.length} problems`,
    why: 'lint() compared each factory and trait with the table it writes to',
    fix: 'Fix each problem below, in the factory or in a migration',
    details: problems.map((problem) => problem.message),
  })
}

function lintFactory(name: string, spec: FactorySpec, info: TableInfo): LintProblem[] {
  const base = [...Object.keys(spec.defaults), ...spec.associations.map((association) => association.foreignKey)]
  const problems = unknownColumns(name, undefined, spec, info, base)
  for (const [trait, layer] of spec.traits) {
    const fields = Object.keys(layer).filter((field) => !(field in spec.transient) && !base.includes(field))
    problems.push(...unknownColumns(name, trait, spec, info, fields))
  }
  const set = new Set(base.map((field) => spec.naming.column(field)))
  for (const column of info.columns) {
    if (!column.notNull || column.hasDefault || set.has(column.name)) continue
    problems.push({
      kind: 'missing-not-null',
      factory: name,
      table: info.table,
      column: column.name,
      message: `${name}: column \`${info.table}.${column.name}\` is NOT NULL without a default, and the factory does not set it`,
    })
  }
  return problems
}

function unknownColumns(
  name: string,
  trait: string | undefined,
  spec: FactorySpec,
  info: TableInfo,
  fields: readonly string[],
): LintProblem[] {
  const columns = info.columns.map((column) => column.name)
  const where = trait === undefined ? name : `${name}.${trait}`
  return fields
    .filter((field) => !columns.includes(spec.naming.column(field)))
    .map((field) => {
      const column = spec.naming.column(field)
      const mapped = column === field ? '' : ` (column \`${column}\`)`
      return {
        kind: 'unknown-column',
        factory: name,
        ...(trait === undefined ? {} : { trait }),
        table: info.table,
        attribute: field,
        column,
        message: `${where}: attribute \`${field}\`${mapped} is not a column of \`${info.table}\`, whose columns are ${listNames(columns)}`,
      }
    })
}

function unknownTableProblem(name: string, table: string, tables: string[]): LintProblem {
  const suggestion = closest(table, tables)
  const hint = suggestion === undefined ? '' : ` (did you mean \`${suggestion}\`?)`
  return { kind: 'unknown-table', factory: name, table, message: `${name}: table \`${table}\` does not exist${hint}` }
}
