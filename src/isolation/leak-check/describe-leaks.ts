import type { RelationEntry, SchemaChange } from '../tracking/schema-tracking.ts'
import type { RowCounts } from './row-counts.ts'

/** One thing that outlived a test's isolation: `public.users`, `rows inserted (1 row before, 3 after)`. */
export interface Leak {
  object: string
  change: string
}

const PAST_TENSE: Record<string, string> = {
  INSERT: 'inserted',
  UPDATE: 'updated',
  DELETE: 'deleted',
  TRUNCATE: 'truncated',
  CREATE: 'created',
  ALTER: 'altered',
  DROP: 'dropped',
}

const SCHEMA_VERBS = ['CREATE', 'ALTER', 'DROP']

const RELATION_KINDS: Record<string, string> = {
  r: 'table',
  p: 'table',
  v: 'view',
  m: 'materialized view',
  S: 'sequence',
  f: 'foreign table',
  i: 'index',
  I: 'index',
  c: 'type',
}

/** Committed writes, one leak per table: `rows inserted and deleted (2 rows before, 2 after)`. */
export function describeWrites(
  written: ReadonlyArray<{ table: string; operation: string }>,
  before: RowCounts,
  after: RowCounts,
): Leak[] {
  const byTable = groupBy(written, ({ table }) => table)
  return [...byTable.keys()].sort().map((table) => {
    const operations = (byTable.get(table) ?? []).map(({ operation }) => operation)
    const verbs = Object.keys(PAST_TENSE)
      .filter((operation) => operations.includes(operation))
      .map((operation) => PAST_TENSE[operation])
    const counts = `${rowCount(before.get(table) ?? 0)} before, ${after.get(table) ?? 0} after`
    return { object: table, change: `rows ${joinWords(verbs as string[])} (${counts})` }
  })
}

/** Schema changes in the order they were made, one leak per object: `table created`. */
export function describeSchemaChanges(changes: readonly SchemaChange[]): Leak[] {
  const byObject = groupBy(changes, ({ identity }) => identity)
  return [...byObject].map(([object, made]) => ({
    object,
    change: [...new Set(made.map(({ command }) => describeCommand(command)))].join(', '),
  }))
}

/** What the `catalog` fallback can tell: relations created, dropped, or with columns added. */
export function describeRelationChanges(before: readonly RelationEntry[], after: readonly RelationEntry[]): Leak[] {
  const old = new Map(before.map((entry) => [entry.name, entry]))
  const now = new Map(after.map((entry) => [entry.name, entry]))
  const leaks: Leak[] = []
  for (const [name, entry] of now) {
    const previous = old.get(name)
    if (previous === undefined) leaks.push({ object: name, change: `${kindOf(entry)} created` })
    else if (previous.columns !== entry.columns) leaks.push({ object: name, change: `${kindOf(entry)} altered` })
  }
  for (const [name, entry] of old) if (!now.has(name)) leaks.push({ object: name, change: `${kindOf(entry)} dropped` })
  return leaks.sort((a, b) => a.object.localeCompare(b.object))
}

/** `CREATE TABLE` → `table created`; a command that is not CREATE, ALTER or DROP of something keeps its tag. */
function describeCommand(command: string): string {
  const [verb = '', ...object] = command.split(' ')
  if (!SCHEMA_VERBS.includes(verb) || object.length === 0 || object.at(-1) === 'AS') return command
  return `${object.join(' ').toLowerCase()} ${PAST_TENSE[verb]}`
}

// Map.groupBy is ES2024; the package targets ES2023.
function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>()
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item])
  return groups
}

function kindOf(entry: RelationEntry): string {
  return RELATION_KINDS[entry.kind] ?? 'relation'
}

function rowCount(count: number): string {
  return `${count} row${count === 1 ? '' : 's'}`
}

function joinWords(words: string[]): string {
  if (words.length <= 1) return words.join('')
  return `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`
}
