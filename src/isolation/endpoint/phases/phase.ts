import type { ClientSession } from '../client/client-session.ts'
import type { ClientUnit } from '../client/client-unit.ts'
import { errorResponseFor } from '../endpoint-errors.ts'
import { readyForQuery, type TransactionStatus } from '../wire/backend-messages.ts'

/** A statement the endpoint refused because it cannot run inside the test's transaction. */
export interface RefusedStatement {
  /** What PostgreSQL calls it: `VACUUM`, `CREATE DATABASE`, `CREATE INDEX CONCURRENTLY`. */
  readonly label: string
  readonly statement: string
}

/** How the endpoint serves clients for a while: during one test, or between tests. */
export interface Phase {
  /**
   * Serves one unit of `client`; resolves to false, having done nothing, when the phase ended
   * before the unit's turn came. Never rejects: failures reach the client as ErrorResponses.
   */
  serve(client: ClientSession, unit: ClientUnit): Promise<boolean>
  /** Refuses new units, fails or hands back the waiting ones, and waits for the running one. */
  end(): Promise<void>
  /** The client disconnected: undo what it left open. */
  clientLeft(client: ClientSession): void
  /** Statements refused during the phase. */
  readonly refused: readonly RefusedStatement[]
}

/** Reports `error` for a unit the endpoint could not serve, and ends the unit as PostgreSQL would. */
export function failUnit(client: ClientSession, unit: ClientUnit, error: unknown, status: TransactionStatus): void {
  const alreadyFailed = client.batch?.failed === true
  if (!alreadyFailed) client.send(errorResponseFor(error))
  if (unit.kind === 'query' || unit.end === 'sync') {
    client.batch = null
    client.send(readyForQuery(status))
  } else {
    client.batch = { wrapped: false, failed: true, unsynced: false, outgoing: [] }
  }
  client.flush()
}

/** The SQL of a unit, for messages: its query text, or its first Parse's. */
export function unitText(unit: ClientUnit): string {
  const message = unit.kind === 'query' ? unit.message : unit.messages.find((m) => m[0] === 0x50)
  if (message === undefined) return ''
  const start = unit.kind === 'query' ? 5 : message.indexOf(0, 5) + 1
  return message.toString('utf8', start, message.indexOf(0, start))
}
