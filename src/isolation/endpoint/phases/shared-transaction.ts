import { AppTransactions } from '../../transaction/app-transactions.ts'
import { StatementQueue } from '../../transaction/statement-queue.ts'
import { notInTransactionError, transactionWaitError } from '../../transaction/transaction-errors.ts'
import type { ClientSession } from '../client/client-session.ts'
import type { ClientUnit } from '../client/client-unit.ts'
import { errorResponseFor, ServerError, testEndedError } from '../endpoint-errors.ts'
import type { Exchange, ExchangePolicy } from '../exchange/exchange.ts'
import { runUnit } from '../exchange/run-unit.ts'
import { sendOwn, undoToSavepoint } from '../exchange/server-round.ts'
import type { IntendedStatement, StatementIntent } from '../exchange/statement-intent.ts'
import type { TransactionStatus } from '../wire/backend-messages.ts'
import { SYNC, writeQuery } from '../wire/frontend-messages.ts'
import { LockSessions } from './lock-sessions.ts'
import { failUnit, type Phase, type RefusedStatement, unitText } from './phase.ts'
import type { ServerSession } from './server-session.ts'
import { unitTraits } from './unit-traits.ts'

export interface SharedTransactionOptions {
  /** Give every client its own savepoint around each statement outside its app transaction. */
  readonly statementSavepoints: boolean
  /** How long a client waits for another client's app transaction, in milliseconds. */
  readonly transactionWaitTimeout: number
  /** Delivers a notification to every client that listens on `channel`. */
  readonly deliver: (from: ClientSession, channel: string, payload: string) => void
}

// What a unit that had not started when the phase ended fails with: the endpoint serves it in the next phase.
const PHASE_ENDED = new Error('the phase ended')

// Statements the endpoint answers itself: on the one shared session they would act for every client.
const ANSWERED = new Set<StatementIntent['kind']>([
  'control',
  'refused',
  'listen',
  'unlisten',
  'notify',
  'deallocate-all',
])

/**
 * Isolation `transaction` at the protocol level: every client's statements run, one unit at a
 * time, on one server session inside the test's transaction (which the endpoint opened before and
 * rolls back after). The app's transaction control becomes savepoints (AppTransactions, shared
 * with the test's pool), a statement outside an app transaction gets a savepoint of its own so
 * its failure does not abort the test, and LISTEN / NOTIFY / session state stay per client.
 */
export class SharedTransaction implements Phase, ExchangePolicy {
  readonly refused: RefusedStatement[] = []
  readonly #session: ServerSession
  readonly #options: SharedTransactionOptions
  readonly #queue: StatementQueue
  readonly #transactions: AppTransactions
  readonly #notifications = new Map<ClientSession, Array<[string, string]>>()
  readonly #locks: LockSessions
  /** The client whose job waits for the rest of its extended-protocol batch. */
  #waiting: ClientSession | null = null
  #over = false

  constructor(session: ServerSession, options: SharedTransactionOptions) {
    this.#session = session
    this.#options = options
    this.#locks = new LockSessions(session.backend.url, (client) => this.status(client))
    this.#queue = new StatementQueue({
      waitTimeout: options.transactionWaitTimeout,
      holderAborted: () => session.backend.status === 'E',
      waitError: transactionWaitError,
    })
    this.#transactions = new AppTransactions(
      { run: (sql) => this.#run(sql), isAborted: () => session.backend.status === 'E' },
      this.#queue,
      {
        began: (owner) => this.#began(owner as ClientSession),
        ended: (owner, ok) => this.#transactionEnded(owner as ClientSession, ok),
      },
    )
  }

  async serve(client: ClientSession, unit: ClientUnit): Promise<boolean> {
    if (this.#over) return false
    const { locksOnly, opensTransaction } = unitTraits(client, unit)
    // Not in the queue: a blocked pg_advisory_lock must not hold up the client that will unlock it.
    if (locksOnly) {
      await this.#locks.serve(client, unit)
      return true
    }
    try {
      await this.#queue.run(
        client,
        opensTransaction,
        () => unitText(unit),
        () => this.#job(client, unit),
      )
    } catch (error) {
      if (error === PHASE_ENDED) return false
      failUnit(client, unit, error, this.status(client))
    }
    return true
  }

  clientLeft(client: ClientSession): void {
    this.#notifications.delete(client)
    this.#locks.release(client)
    if (this.#queue.holder !== client && !this.#queue.isBusy(client)) return
    this.#queue
      .run(client, false, 'ROLLBACK', () => this.#transactions.rollbackAbandoned(client))
      // A failure here means the connection broke or the test ended; nothing waits for it.
      .catch(() => {})
  }

  /** Refuses new units, fails the queued ones, and waits for the one running. */
  async end(): Promise<void> {
    this.#over = true
    this.#waiting?.interrupt()
    await this.#queue.drain(() => PHASE_ENDED)
    await this.#locks.closeAll()
  }

  wraps(client: ClientSession): boolean {
    return this.#options.statementSavepoints && this.#queue.holder !== client
  }

  answers(intent: StatementIntent): boolean {
    return ANSWERED.has(intent.kind)
  }

  async answer(client: ClientSession, { text, intent }: IntendedStatement): Promise<string> {
    switch (intent.kind) {
      case 'control':
        return this.#transactions.control(client, intent.control)
      case 'refused':
        this.refused.push({ label: intent.label, statement: text })
        throw notInTransactionError(intent.label, text)
      case 'listen':
        client.channels.add(intent.channel)
        return 'LISTEN'
      case 'unlisten':
        if (intent.channel === null) client.channels.clear()
        else client.channels.delete(intent.channel)
        return 'UNLISTEN'
      case 'notify':
        this.#notify(client, intent.channel, intent.payload)
        return 'NOTIFY'
      default:
        client.statements.clear()
        return 'DEALLOCATE ALL'
    }
  }

  /**
   * On the shared session a SET LOCAL would last until the test's transaction ends: it is undone
   * when the client's app transaction ends, or at once when it has none (PostgreSQL ignores it then).
   */
  setLocally(client: ClientSession, name: string): void {
    if (this.#queue.holder === client) client.settings.noteLocal(name)
    else this.#session.backend.settings.forget(name)
  }

  notified(client: ClientSession, channel: string, payload: string): void {
    this.#notify(client, channel, payload)
  }

  status(client: ClientSession): TransactionStatus {
    if (this.#queue.holder !== client) return 'I'
    return this.#session.backend.status === 'E' ? 'E' : 'T'
  }

  async #job(client: ClientSession, unit: ClientUnit): Promise<void> {
    const { backend, router } = this.#session
    const exchange: Exchange = { client, backend, router, policy: this }
    router.sink = client
    router.onCopyIn = () => {
      client.copyTarget = backend
    }
    client.active = backend
    try {
      let current: ClientUnit | null = unit
      while (current !== null) {
        await runUnit(exchange, current)
        current = client.batch === null ? null : await this.#restOfBatch(exchange)
      }
    } finally {
      client.active = null
      client.copyTarget = null
    }
  }

  /** A client in the middle of an extended-protocol batch keeps the session until its Sync. */
  async #restOfBatch(exchange: Exchange): Promise<ClientUnit | null> {
    const { client } = exchange
    this.#waiting = client
    const next = this.#over ? null : await client.nextUnit()
    this.#waiting = null
    if (next !== null) return next
    await this.#abandonBatch(exchange)
    return null
  }

  /** The batch cannot go on (the client left, or the test ended): sync the server and undo it. */
  async #abandonBatch(exchange: Exchange): Promise<void> {
    const batch = exchange.client.batch
    if (batch === null) return
    if (batch.unsynced) await sendOwn(exchange, SYNC)
    if (batch.wrapped) await undoToSavepoint(exchange)
    if (!batch.failed) exchange.client.send(errorResponseFor(testEndedError('')))
    exchange.client.batch = { wrapped: false, failed: true, unsynced: false, outgoing: [] }
    exchange.client.flush()
  }

  async #run(sql: string): Promise<void> {
    const error = await sendOwn(this.#session, writeQuery(sql))
    if (error !== null) throw new ServerError(error)
  }

  #began(client: ClientSession): void {
    client.settings.beginTransaction()
    this.#notifications.set(client, [])
  }

  #transactionEnded(client: ClientSession, committed: boolean): void {
    for (const name of client.settings.endTransaction(committed)) this.#session.backend.settings.forget(name)
    const notifications = this.#notifications.get(client) ?? []
    this.#notifications.delete(client)
    if (committed) for (const [channel, payload] of notifications) this.#options.deliver(client, channel, payload)
  }

  // Inside an app transaction a notification waits for its COMMIT, and identical ones are sent once.
  #notify(client: ClientSession, channel: string, payload: string): void {
    const pending = this.#queue.holder === client ? this.#notifications.get(client) : undefined
    if (pending === undefined) this.#options.deliver(client, channel, payload)
    else if (!pending.some(([c, p]) => c === channel && p === payload)) pending.push([channel, payload])
  }
}
