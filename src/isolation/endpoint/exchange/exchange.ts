import type { BackendConnection } from '../backend/backend-connection.ts'
import type { ClientSession } from '../client/client-session.ts'
import type { TransactionStatus } from '../wire/backend-messages.ts'
import type { ReplyRouter } from './reply-router.ts'
import type { IntendedStatement, StatementIntent } from './statement-intent.ts'

/** How an isolation mode treats the statements a client sends (see SharedTransaction, RoutedSessions). */
export interface ExchangePolicy {
  /** Whether the client's next statements get a savepoint of their own, so a failure undoes only them. */
  wraps(client: ClientSession): boolean
  /** Whether the endpoint answers a statement itself instead of sending it to the server. */
  answers(intent: StatementIntent): boolean
  /** Answers such a statement: resolves to its command tag, or rejects with the error to report. */
  answer(client: ClientSession, statement: IntendedStatement): Promise<string>
  /** What the client's ReadyForQuery says about its transaction. */
  status(client: ClientSession): TransactionStatus
  /** A SET LOCAL of the client ran: its value lasts until the client's transaction ends. */
  setLocally(client: ClientSession, name: string): void
  /** The client's `SELECT pg_notify(…)` ran on the server. */
  notified(client: ClientSession, channel: string, payload: string): void
}

/** One client's turn on one server session. */
export interface Exchange {
  readonly client: ClientSession
  readonly backend: BackendConnection
  readonly router: ReplyRouter
  readonly policy: ExchangePolicy
}
