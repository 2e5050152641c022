import pg from 'pg'
import { describeCause } from '../../core/errors.ts'
import { AppTransactions, type TransactionControl, UNDO_AND_RELEASE } from './app-transactions.ts'
import { type ClassifiedStatement, classifySql, type StatementKind } from './classify-statement.ts'
import type { QueryCall, QueryConfigObject } from './query-call.ts'
import { StatementQueue } from './statement-queue.ts'
import {
  labelFromServerMessage,
  notInTransactionError,
  testEndedError,
  transactionAbortedError,
  transactionWaitError,
} from './transaction-errors.ts'

export type QueryOutcome = pg.QueryResult | pg.QueryResult[]

export interface SharedConnectionOptions {
  /** How long an app transaction waits for another client's, in milliseconds. */
  readonly transactionWaitTimeout: number
  /** The test's BEGIN, still on its way: statements wait for its answer in this queue, never in pg's. */
  readonly opening?: Promise<unknown>
}

/**
 * The test's one real connection, shared by every client of its pool: runs their statements one
 * at a time (see StatementQueue for the concurrency rule) and turns the app's transaction control
 * into savepoints inside the test's transaction.
 */
export class SharedConnection {
  readonly #client: pg.Client
  readonly #queue: StatementQueue
  readonly #transactions: AppTransactions
  /**
   * Whether the transaction is aborted. Not `client.getTransactionStatus()`: pg reports an error
   * before the server's ReadyForQuery that updates the status, so the status is stale right then.
   */
  #aborted = false
  /** The statement that aborted the test's transaction outside any app transaction. */
  #poison: { text: string; message: string } | null = null
  #detached = false
  #closed = false
  readonly #onEnd = () => {
    this.#closed = true
  }

  constructor(client: pg.Client, options: SharedConnectionOptions) {
    this.#client = client
    client.on('end', this.#onEnd)
    this.#queue = new StatementQueue({
      waitTimeout: options.transactionWaitTimeout,
      holderAborted: () => this.#aborted,
      waitError: transactionWaitError,
    })
    this.#transactions = new AppTransactions(
      { run: async (sql) => void (await this.#send(sql)), isAborted: () => this.#aborted },
      this.#queue,
    )
    const { opening } = options
    // A failed BEGIN means a broken connection: the statements after it fail with pg's own error.
    if (opening !== undefined) this.#queue.run(this, false, 'BEGIN', () => opening).catch(() => {})
  }

  /** Runs one `query()` call of the pool client `owner`. */
  execute(owner: object, call: QueryCall): Promise<QueryOutcome> {
    if (this.#detached) return Promise.reject(testEndedError(call.text))
    const statements = classifySql(call.text)
    for (const { text, kind } of statements) {
      if (kind.kind === 'not-in-transaction') return Promise.reject(notInTransactionError(kind.label, text))
    }
    const opens = statements.some(({ kind }) => kind.kind === 'begin')
    return this.#queue.run(owner, opens, call.text, () => this.#perform(owner, call, statements))
  }

  /** Hands a query object that drives the protocol itself (pg.Query, pg-cursor) to the connection. */
  submit(owner: object, submittable: pg.Submittable & { text?: string }): Promise<void> {
    const text = submittable.text ?? ''
    if (this.#detached) return Promise.reject(testEndedError(text))
    return this.#queue.run(owner, false, text, () => this.#drive(submittable, text))
  }

  /**
   * Rolls back the app transaction `owner` left open when it was released, as closing its
   * connection would: otherwise the transaction would stay open for every other client.
   */
  abandon(owner: object): void {
    if (this.#queue.holder !== owner && !this.#queue.isBusy(owner)) return
    this.#queue
      .run(owner, false, UNDO_AND_RELEASE, () => this.#transactions.rollbackAbandoned(owner))
      // A failure here means the connection broke or the test ended; the next statement reports it.
      .catch(() => {})
  }

  /** Refuses new statements, fails the queued ones, and waits for the one running. */
  detach(): Promise<void> {
    this.#detached = true
    return this.#queue.drain(testEndedError).then(() => {
      this.#client.off('end', this.#onEnd)
    })
  }

  // Not async: an async function that returns a promise settles two microtask turns after it.
  #perform(owner: object, call: QueryCall, statements: ClassifiedStatement[]): Promise<QueryOutcome> {
    if (passesThrough(call, statements)) return this.#send(call.text, call.config, call.values)
    const [only] = statements
    if (only !== undefined && statements.length === 1) return this.#control(owner, only.kind)
    return this.#performEach(owner, call, statements)
  }

  async #performEach(owner: object, call: QueryCall, statements: ClassifiedStatement[]): Promise<pg.QueryResult[]> {
    const results: pg.QueryResult[] = []
    for (const { text, kind } of statements) results.push(await this.#performOne(owner, call, text, kind))
    return results
  }

  /** One statement of a multi-statement text, sent alone so each result and failure is its own. */
  #performOne(owner: object, call: QueryCall, text: string, kind: StatementKind): Promise<pg.QueryResult> {
    if (kind.kind !== 'other') return this.#control(owner, kind)
    const config = typeof call.config === 'string' ? text : { ...call.config, text }
    return this.#send(text, config) as Promise<pg.QueryResult>
  }

  async #control(owner: object, kind: StatementKind): Promise<pg.QueryResult> {
    return emptyResult(await this.#transactions.control(owner, kind as TransactionControl))
  }

  async #send(text: string, config: string | QueryConfigObject = text, values?: unknown[]): Promise<QueryOutcome> {
    try {
      const result = await this.#client.query(config as pg.QueryConfig, values)
      this.#observe(text)
      return result
    } catch (error) {
      this.#observe(text, error)
      throw this.#translate(error, text)
    }
  }

  #drive(submittable: pg.Submittable, text: string): Promise<void> {
    return new Promise((resolve) => {
      // pg emits 'drain' when its queue empties; we queue one query at a time, so that is this one's end.
      const done = () => {
        this.#client.off('drain', done).off('end', done)
        this.#observe(text)
        resolve()
      }
      this.#client.on('drain', done).on('end', done)
      this.#client.query(submittable)
      // A closed client fails the query on its own and never drains.
      if (this.#closed) done()
    })
  }

  #observe(text: string, error?: unknown): void {
    // Inside a transaction block, every error the server reports aborts the transaction.
    this.#aborted = error instanceof pg.DatabaseError || this.#client.getTransactionStatus() === 'E'
    if (!this.#aborted) {
      this.#poison = null
      return
    }
    if (this.#queue.holder !== null) return
    this.#poison ??= { text, message: error === undefined ? 'failed' : describeCause(error) }
  }

  #translate(error: unknown, text: string): unknown {
    const { code, message } = error as { code?: unknown; message?: string }
    if (code === '25001') {
      return notInTransactionError(labelFromServerMessage(message ?? '', text), text, error as Error)
    }
    if (code === '25P02' && this.#poison !== null) return transactionAbortedError(text, this.#poison, error as Error)
    return error
  }
}

// With parameters, PostgreSQL refuses a text of several statements itself: nothing to split then.
function passesThrough(call: QueryCall, statements: ClassifiedStatement[]): boolean {
  const values = call.values ?? (typeof call.config === 'string' ? undefined : call.config.values)
  if (statements.length > 1 && values !== undefined && values.length > 0) return true
  return statements.every(({ kind }) => kind.kind === 'other')
}

function emptyResult(command: string): pg.QueryResult {
  return { command, rowCount: null, oid: null, rows: [], fields: [] } as unknown as pg.QueryResult
}
