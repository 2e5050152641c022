import { readdirSync, readFileSync } from 'node:fs'
import { basename, extname, join } from 'node:path'
import { isMap, isScalar, type Node, type Pair } from 'yaml'
import { describeCause, TestbedError } from '../../core/errors.ts'
import { parseYamlDocument } from '../fixtures/parse-fixture-text.ts'

/** A value of a fixture row, with the line it was written on. */
export interface FixtureValue {
  value: unknown
  line: number
}

export interface FixtureRowSource {
  label: string
  line: number
  values: Map<string, FixtureValue>
}

/** One `<table>.yml` file: its rows by label, in file order. */
export interface FixtureFile {
  table: string
  /** The file's full path, as messages show it. */
  path: string
  /** `users.yml`, as messages that point at the file as a whole show it. */
  name: string
  text: string
  rows: FixtureRowSource[]
}

// Rails skips this label: it holds values other rows merge in with `<<: *DEFAULTS`.
const DEFAULTS_LABEL = 'DEFAULTS'

/** Reads and parses every `.yml` / `.yaml` file directly in `dir`, in name order. */
export function readFixtureFiles(dir: string): FixtureFile[] {
  return listYamlFiles(dir).map((name) => readFixtureFile(join(dir, name)))
}

function listYamlFiles(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((name) => ['.yml', '.yaml'].includes(extname(name)))
      .sort()
  } catch (error) {
    throw new TestbedError(
      'TESTBED_DATA_ROWS_DIR_MISSING',
      {
        what: 'labelledFixtures() cannot read its folder',
        subject: dir,
        why: `${describeCause(error)} (a relative folder resolves against the current directory)`,
        fix: 'Create the folder, or pass an absolute path such as `new URL("./fixtures/db/", import.meta.url)`',
      },
      { cause: error },
    )
  }
}

function readFixtureFile(path: string): FixtureFile {
  const text = readFileSync(path, 'utf8')
  const { document, lineCounter } = parseYamlDocument(text, path)
  const name = basename(path)
  const file = { table: name.slice(0, -extname(name).length), path, name, text, rows: [] as FixtureRowSource[] }
  const contents = document.contents
  if (contents === null || (isScalar(contents) && contents.value === null)) return file
  if (!isMap(contents)) throw invalidShape(path, 1, 'The file holds a list or a value, not rows by label')
  // Converted whole, so merge keys (`<<: *DEFAULTS`) are applied; the nodes give the lines.
  const rows = document.toJS() as Record<string, unknown>
  const lineOf = (node: unknown) => lineCounter.linePos((node as Node).range?.[0] ?? 0).line
  for (const pair of contents.items as Pair<Node, Node | null>[]) {
    const label = keyName(pair.key)
    if (label === DEFAULTS_LABEL) continue
    file.rows.push(readRow(label, lineOf(pair.key), pair.value, rows[label], lineOf, path))
  }
  return file
}

function readRow(
  label: string,
  line: number,
  node: Node | null,
  row: unknown,
  lineOf: (node: unknown) => number,
  path: string,
): FixtureRowSource {
  const values = new Map<string, FixtureValue>()
  if (row === null || row === undefined) return { label, line, values }
  if (!isMap(node)) throw invalidShape(path, line, `Row \`${label}\` is not a mapping of columns to values`)
  const lines = new Map(node.items.map((item) => [keyName(item.key), lineOf(item.key)]))
  for (const [column, value] of Object.entries(row)) values.set(column, { value, line: lines.get(column) ?? line })
  return { label, line, values }
}

function keyName(key: unknown): string {
  return String(isScalar(key) ? key.value : key)
}

function invalidShape(path: string, line: number, why: string): TestbedError {
  return new TestbedError('TESTBED_DATA_ROWS_FILE_INVALID', {
    what: 'Labelled fixture file is not rows by label',
    subject: `${path}:${line}`,
    why,
    fix: 'Write each row as `label:` followed by its `column: value` lines, indented',
  })
}
