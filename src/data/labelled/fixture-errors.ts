import { TestbedError } from '../../core/errors.ts'
import { listNames, suggestFix } from '../suggest.ts'
import type { FixtureFile } from './read-fixture-files.ts'

/** Where a value was written: `/…/posts.yml:3 (`hello.author`)`. */
export interface FixtureSite {
  file: FixtureFile
  line: number
  label: string
  column: string
}

function at(site: FixtureSite): string {
  return `${site.file.path}:${site.line} (\`${site.label}.${site.column}\`)`
}

export function unknownFixtureTable(file: FixtureFile, tables: readonly string[]): TestbedError {
  return new TestbedError('TESTBED_DATA_ROWS_UNKNOWN_TABLE', {
    what: 'Labelled fixture file for a table that does not exist',
    subject: file.path,
    why: `Each file fills the table it is named after (\`${file.name}\` → \`${file.table}\`), and the database has no \`${file.table}\``,
    fix: suggestFix(file.table, tables, 'Rename the file after its table, or add the migration that creates the table'),
  })
}

export function unknownFixtureColumn(
  site: FixtureSite,
  table: string,
  columns: readonly string[],
  references: readonly string[],
): TestbedError {
  return new TestbedError('TESTBED_DATA_ROWS_UNKNOWN_COLUMN', {
    what: `Fixture row sets a column that table \`${table}\` does not have`,
    subject: at(site),
    why: `\`${table}\` has the columns ${listNames(columns)}; a reference to another fixture is written as its foreign key without \`_id\` (\`author: alice\` for \`author_id\`)`,
    fix: suggestFix(site.column, [...columns, ...references], 'Rename or remove the key'),
  })
}

export function undefinedLabel(site: FixtureSite, label: string, target: string, targetFile: FixtureFile | undefined) {
  const known = targetFile?.rows.map((row) => row.label) ?? []
  return new TestbedError('TESTBED_DATA_LABEL_UNDEFINED', {
    what: 'Fixture label referenced but not defined',
    subject: `\`${label}\` at ${at(site)}`,
    why:
      targetFile === undefined
        ? `\`${site.column}\` refers to a row of \`${target}\`, which has no fixture file in this folder`
        : `\`${site.column}\` refers to a row of \`${target}\`, and ${targetFile.name} defines ${listNames(known)}`,
    fix:
      targetFile === undefined
        ? `Add ${target}.yml defining \`${label}\`, or write the key's value instead of a label`
        : suggestFix(label, known, `Define \`${label}\` in ${targetFile.name}, or correct the reference`),
  })
}

export function idCollision(file: FixtureFile, first: string, second: string, id: unknown): TestbedError {
  return new TestbedError('TESTBED_DATA_LABEL_ID_COLLISION', {
    what: `Two labels of ${file.name} derive the same id`,
    subject: `\`${first}\` and \`${second}\` (${String(id)})`,
    why: 'Ids are a hash of the label, as in Rails, and these two collide',
    fix: 'Rename one of the labels, or give one row its id explicitly',
  })
}

export function unknownFixture(kind: 'table' | 'label', name: string, known: readonly string[], where: string) {
  return new TestbedError('TESTBED_DATA_LABEL_UNKNOWN', {
    what: kind === 'table' ? 'No labelled fixture file for table' : `No fixture labelled so in ${where}`,
    subject: `\`${name}\``,
    why:
      kind === 'table'
        ? `The labelled fixtures in ${where} fill the tables ${listNames(known)}`
        : `${where} defines ${listNames(known)}`,
    fix: suggestFix(name, known, kind === 'table' ? `Add ${name}.yml to ${where}` : `Add the label to ${where}`),
  })
}
