import { type SqlStatement, splitStatements } from './split-statements.ts'

/** What a statement means to the transaction strategy. */
export type StatementKind =
  | { readonly kind: 'begin' }
  | { readonly kind: 'commit'; readonly chain: boolean }
  | { readonly kind: 'rollback'; readonly chain: boolean }
  | { readonly kind: 'set-transaction' }
  | { readonly kind: 'not-in-transaction'; readonly label: string }
  | { readonly kind: 'other' }

/** A statement of a query text together with its kind. */
export interface ClassifiedStatement {
  readonly text: string
  readonly kind: StatementKind
}

const BEGIN: StatementKind = { kind: 'begin' }
const SET_TRANSACTION: StatementKind = { kind: 'set-transaction' }
const OTHER: StatementKind = { kind: 'other' }
// Plain data statements are most of an app's traffic and are never transaction control.
const PLAIN_DATA = /^\s*(?:select|insert|update|delete|with|values|table|merge)\b/i
const OPTIONAL_NOISE = new Set(['WORK', 'TRANSACTION'])
const REINDEX_TARGETS = new Set(['INDEX', 'TABLE', 'SCHEMA', 'DATABASE', 'SYSTEM'])
const ALWAYS_OUTSIDE = new Set([
  'CREATE DATABASE',
  'DROP DATABASE',
  'CREATE TABLESPACE',
  'DROP TABLESPACE',
  'ALTER SYSTEM',
  'DISCARD ALL',
  'PREPARE TRANSACTION',
  'COMMIT PREPARED',
  'ROLLBACK PREPARED',
])

/**
 * Splits a query text into statements and classifies each one.
 * @example classifySql('BEGIN; SELECT 1') // [{ text: 'BEGIN', kind: { kind: 'begin' } }, { text: 'SELECT 1', … }]
 */
export function classifySql(text: string): ClassifiedStatement[] {
  if (PLAIN_DATA.test(text) && !text.includes(';')) return [{ text, kind: OTHER }]
  return splitStatements(text).map((statement) => ({ text: statement.text, kind: classifyStatement(statement) }))
}

/** Classifies one statement by its leading words. */
export function classifyStatement({ words }: SqlStatement): StatementKind {
  const [first = '', second = ''] = words
  const pair = `${first} ${second}`
  if (ALWAYS_OUTSIDE.has(pair)) return outside(pair)
  switch (first) {
    case 'BEGIN':
      return BEGIN
    case 'START':
      return second === 'TRANSACTION' ? BEGIN : OTHER
    case 'COMMIT':
    case 'END':
      return { kind: 'commit', chain: chains(words) }
    case 'ROLLBACK':
    case 'ABORT':
      return rollsBackToSavepoint(words) ? OTHER : { kind: 'rollback', chain: chains(words) }
    case 'SET':
      return setsTransaction(words) ? SET_TRANSACTION : OTHER
    default:
      return classifyMaintenance(words)
  }
}

function classifyMaintenance(words: readonly string[]): StatementKind {
  const [first, second] = words
  if (first === 'VACUUM') return outside('VACUUM')
  if (first === 'CLUSTER' && withoutOptions(words.slice(1)).length === 0) return outside('CLUSTER')
  if (first === 'REINDEX') return classifyReindex(words)
  const concurrentIndex = follows(words, 'INDEX', 'CONCURRENTLY')
  if (first === 'CREATE' && concurrentIndex) return outside('CREATE INDEX CONCURRENTLY')
  if (first === 'DROP' && concurrentIndex) return outside('DROP INDEX CONCURRENTLY')
  if (first === 'ALTER' && second === 'TABLE' && words.includes('DETACH') && words.includes('CONCURRENTLY')) {
    return outside('ALTER TABLE ... DETACH CONCURRENTLY')
  }
  if (first === 'ALTER' && second === 'DATABASE' && follows(words, 'SET', 'TABLESPACE')) {
    return outside('ALTER DATABASE SET TABLESPACE')
  }
  return OTHER
}

function classifyReindex(words: readonly string[]): StatementKind {
  const target = words.find((word) => REINDEX_TARGETS.has(word))
  if (target === 'DATABASE' || target === 'SYSTEM') return outside(`REINDEX ${target}`)
  return words.includes('CONCURRENTLY') ? outside('REINDEX CONCURRENTLY') : OTHER
}

function outside(label: string): StatementKind {
  return { kind: 'not-in-transaction', label }
}

/** `COMMIT AND CHAIN` starts a new transaction at once; `AND NO CHAIN` is the default spelled out. */
function chains(words: readonly string[]): boolean {
  return follows(words, 'AND', 'CHAIN')
}

function rollsBackToSavepoint(words: readonly string[]): boolean {
  const afterVerb = OPTIONAL_NOISE.has(words[1] ?? '') ? words[2] : words[1]
  return afterVerb === 'TO'
}

// `SET TRANSACTION SNAPSHOT` imports a snapshot: PostgreSQL must judge it, so it passes through.
function setsTransaction(words: readonly string[]): boolean {
  const rest = words[1] === 'LOCAL' || words[1] === 'SESSION' ? words.slice(2) : words.slice(1)
  return rest[0] === 'TRANSACTION' && rest[1] !== 'SNAPSHOT'
}

function follows(words: readonly string[], first: string, second: string): boolean {
  return words.some((word, index) => word === first && words[index + 1] === second)
}

function withoutOptions(words: readonly string[]): string[] {
  const closing = words[0] === '(' ? words.indexOf(')') + 1 : 0
  return words.slice(closing).filter((word) => word !== 'VERBOSE')
}
