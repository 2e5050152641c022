import type { TransactionControl } from '../../transaction/app-transactions.ts'
import { classifySql, type StatementKind } from '../../transaction/classify-statement.ts'
import { splitStatements } from '../../transaction/split-statements.ts'
import {
  advisoryLockCall,
  notifyCall,
  SESSION_START,
  type SessionStatement,
  sessionStatement,
} from './session-statement.ts'

/** What one statement means to the endpoint. */
export type StatementIntent =
  | { readonly kind: 'plain' }
  | { readonly kind: 'control'; readonly control: TransactionControl }
  | { readonly kind: 'refused'; readonly label: string }
  | SessionStatement

/** A statement of a query text with its intent. */
export interface IntendedStatement {
  readonly text: string
  readonly intent: StatementIntent
}

const PLAIN: StatementIntent = { kind: 'plain' }
const PG_NOTIFY = /pg_notify/i
const ADVISORY = /advisory/i
const COPY_IN = /^\s*copy\b[\s\S]*\bfrom\s+stdin\b/i

/** Whether a text may start COPY FROM STDIN: then the server reads whatever follows as the copy's data. */
export function startsCopyIn(text: string): boolean {
  return COPY_IN.test(text)
}

/**
 * Splits a query text into statements and says what each means: plain SQL, transaction control,
 * a statement that cannot run in a transaction, or one about the session (SET, LISTEN, NOTIFY…).
 * @example intentsOf('BEGIN; SET search_path TO app') // [{ intent: { kind: 'control', … } }, { intent: { kind: 'setting', … } }]
 */
export function intentsOf(text: string): IntendedStatement[] {
  return classifySql(text).map((statement) => ({
    text: statement.text,
    intent: intentOf(statement.text, statement.kind),
  }))
}

function intentOf(text: string, kind: StatementKind): StatementIntent {
  if (kind.kind === 'not-in-transaction') return { kind: 'refused', label: kind.label }
  if (kind.kind !== 'other') return { kind: 'control', control: kind }
  if (PG_NOTIFY.test(text)) return notifyCall(text) ?? PLAIN
  if (ADVISORY.test(text)) return advisoryLockCall(text) ?? PLAIN
  if (!SESSION_START.test(text)) return PLAIN
  const [statement] = splitStatements(text)
  return (statement === undefined ? null : sessionStatement(statement)) ?? PLAIN
}
