import pg from 'pg'
import { splitStatements } from '../transaction/split-statements.ts'
import { lineAt } from './sql-line.ts'

// The file's own transaction control would end the transaction the replay runs in.
const TRANSACTION_CONTROL = new Set(['BEGIN', 'START', 'COMMIT', 'END', 'ROLLBACK', 'ABORT', 'SAVEPOINT', 'RELEASE'])

/**
 * The line of `text` where the statement that raised `failure` starts (or the exact line, when
 * the server gives a position within it). PostgreSQL gives no position for errors raised while a
 * statement runs (a unique violation, a division by zero), and a file runs as one batch, so the
 * file is replayed statement by statement in a transaction that is rolled back, until the same
 * error comes back. Undefined when it does not.
 */
export async function failingStatementLine(
  client: pg.ClientBase,
  text: string,
  failure: pg.DatabaseError,
): Promise<number | undefined> {
  // A file with its own BEGIN leaves the session in its aborted transaction.
  await client.query('ROLLBACK')
  await client.query('BEGIN')
  try {
    return await replayUntil(client, text, failure.code)
  } finally {
    await client.query('ROLLBACK')
  }
}

async function replayUntil(client: pg.ClientBase, text: string, code: string | undefined): Promise<number | undefined> {
  let offset = 0
  for (const statement of splitStatements(text)) {
    offset = text.indexOf(statement.text, offset)
    if (TRANSACTION_CONTROL.has(statement.words[0] ?? '')) continue
    const error = await client.query(statement.text).then(
      () => null,
      (thrown: unknown) => thrown,
    )
    if (error === null) continue
    if (!(error instanceof pg.DatabaseError) || error.code !== code) return undefined
    if (error.position) return lineOf(text, offset) + lineAt(statement.text, Number(error.position)) - 1
    return lineOf(text, offset + leadingComments(statement.text))
  }
  return undefined
}

// A statement's text starts after the previous `;`, with the comments above it.
const LEADING_COMMENTS = /^(?:\s+|--[^\n]*|\/\*[\s\S]*?\*\/)*/

function leadingComments(statement: string): number {
  return LEADING_COMMENTS.exec(statement)?.[0].length ?? 0
}

function lineOf(text: string, offset: number): number {
  let line = 1
  for (let index = text.indexOf('\n'); index !== -1 && index < offset; index = text.indexOf('\n', index + 1)) line++
  return line
}
