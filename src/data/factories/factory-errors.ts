import { TestbedError } from '../../core/errors.ts'
import { listNames, suggestFix } from '../suggest.ts'

export function unknownFactory(name: string, known: readonly string[]): TestbedError {
  return new TestbedError('TESTBED_DATA_UNKNOWN_FACTORY', {
    what: 'Unknown factory',
    subject: `\`${name}\``,
    why: `factoriesFor() was given the factories ${listNames(known)}`,
    fix: suggestFix(name, known, 'Add it to the `factories` option of factoriesFor(), or use `factories.factory(it)`'),
  })
}

export function unknownTrait(factory: string, name: string, known: readonly string[]): TestbedError {
  return new TestbedError('TESTBED_DATA_UNKNOWN_TRAIT', {
    what: `Unknown trait of factory \`${factory}\``,
    subject: `\`${name}\``,
    why: `The factory declares the traits ${listNames(known)}`,
    fix: suggestFix(name, known, 'Declare it under `traits` in defineFactory(), or correct the name'),
  })
}

export function attributeCycle(factory: string, path: readonly string[]): TestbedError {
  return new TestbedError('TESTBED_DATA_ATTRIBUTE_CYCLE', {
    what: `The defaults of factory \`${factory}\` read each other in a cycle`,
    subject: path.join(' → '),
    why: 'Each of these defaults reads the next through `attributes`, so none of them can be computed first',
    fix: 'Make one of them a plain value, or pass one as an override',
  })
}

export interface UnknownColumn {
  factory: string
  table: string
  attribute: string
  column: string
  /** `undefined` when they could not be read. */
  columns: string[] | undefined
}

export function unknownColumn({ factory, table, attribute, column, columns }: UnknownColumn, cause: unknown) {
  const known = columns === undefined ? 'its columns could not be read' : `its columns are ${listNames(columns)}`
  return new TestbedError(
    'TESTBED_DATA_UNKNOWN_COLUMN',
    {
      what: `Factory \`${factory}\` sets an attribute that table \`${table}\` has no column for`,
      subject: attribute === column ? `\`${attribute}\`` : `\`${attribute}\` (column \`${column}\`)`,
      why: `Attributes map to columns by snake_case name, or by the factory's \`columns\` option; ${known}`,
      fix: 'Rename or remove the attribute, map it with `columns`, or declare it under `transient` if it only feeds other defaults',
    },
    { cause },
  )
}

export function unknownTable(factory: string, table: string, cause: unknown): TestbedError {
  return new TestbedError(
    'TESTBED_DATA_UNKNOWN_TABLE',
    {
      what: `Factory \`${factory}\` writes to a table that does not exist`,
      subject: `\`${table}\``,
      why: "`table` names the table create() inserts into; it must exist in the test's database (schema-qualify it when it is not on the search_path)",
      fix: 'Correct `table` in defineFactory(), or add the migration that creates it',
    },
    { cause },
  )
}

export function nowhereToWrite(factory: string): TestbedError {
  return new TestbedError('TESTBED_DATA_NO_TABLE', {
    what: `Factory \`${factory}\` cannot create()`,
    subject: 'it has neither `table` nor `persist`',
    why: 'Without them the factory can build() and attributesFor(), but has nowhere to write',
    fix: 'Add `table` (INSERT … RETURNING) or `persist` (your ORM) to its definition',
  })
}
