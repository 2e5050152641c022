import type { StatementKind } from './classify-statement.ts'
import type { StatementQueue } from './statement-queue.ts'

/** The app's transaction control, which isolation `transaction` turns into savepoints. */
export type TransactionControl = Exclude<StatementKind, { kind: 'other' } | { kind: 'not-in-transaction' }>

/** The test's one connection, as the savepoint logic needs it. */
export interface SavepointConnection {
  /** Runs SQL (possibly several statements) on the connection; rejects with the server's error. */
  run(sql: string): Promise<void>
  /** True while the test's transaction is aborted: a statement failed inside the open app transaction. */
  isAborted(): boolean
}

/** Told when an app transaction begins or ends, to keep per-client state in step with it. */
export interface TransactionObserver {
  began?(owner: object): void
  ended?(owner: object, committed: boolean): void
}

// One name is enough: PostgreSQL does not nest BEGIN, so an app has at most one transaction open.
const SAVEPOINT = 'testbed_app'
const OPEN = `SAVEPOINT ${SAVEPOINT}`
const RELEASE = `RELEASE SAVEPOINT ${SAVEPOINT}`
const UNDO = `ROLLBACK TO SAVEPOINT ${SAVEPOINT}`
export const UNDO_AND_RELEASE = `${UNDO}; ${RELEASE}`
// SET CONSTRAINTS ALL IMMEDIATE runs the checks PostgreSQL defers to COMMIT (DEFERRABLE foreign keys,
// unique constraints); rolling back its own savepoint afterwards restores every constraint's mode.
const CHECK_DEFERRED =
  'SAVEPOINT testbed_check; SET CONSTRAINTS ALL IMMEDIATE; ROLLBACK TO SAVEPOINT testbed_check; RELEASE SAVEPOINT testbed_check'
const COMMIT = `${CHECK_DEFERRED}; ${RELEASE}`
const COMMIT_AND_CHAIN = `${COMMIT}; ${OPEN}`

/**
 * The app's BEGIN / COMMIT / ROLLBACK as savepoints inside the test's transaction, with
 * PostgreSQL's own answers: BEGIN does not nest, COMMIT or ROLLBACK outside a transaction does
 * nothing, COMMIT of an aborted transaction rolls it back. The client whose transaction is open
 * holds the queue (see StatementQueue). Shared by the test's pool and the wire endpoint; they call
 * it from inside one of `owner`'s queue jobs.
 */
export class AppTransactions {
  readonly #connection: SavepointConnection
  readonly #queue: StatementQueue
  readonly #observer: TransactionObserver

  constructor(connection: SavepointConnection, queue: StatementQueue, observer: TransactionObserver = {}) {
    this.#connection = connection
    this.#queue = queue
    this.#observer = observer
  }

  /** Runs one statement of transaction control for `owner`; resolves to the command tag PostgreSQL gives it. */
  control(owner: object, kind: TransactionControl): Promise<string> {
    if (kind.kind === 'begin') return this.#begin(owner)
    if (kind.kind === 'commit') return this.#commit(owner, kind.chain)
    if (kind.kind === 'rollback') return this.#rollback(owner, kind.chain)
    // SET TRANSACTION: the test's transaction keeps its own isolation level and access mode.
    return Promise.resolve('SET')
  }

  /** Rolls back the transaction `owner` left open, as closing its connection would. */
  async rollbackAbandoned(owner: object): Promise<void> {
    if (this.#queue.holder === owner) await this.#end(owner, UNDO_AND_RELEASE, false, 'ROLLBACK')
  }

  // PostgreSQL ignores BEGIN inside a transaction (with a warning), and COMMIT or ROLLBACK outside one.
  async #begin(owner: object): Promise<string> {
    if (this.#queue.holder === owner) return 'BEGIN'
    await this.#connection.run(OPEN)
    this.#queue.hold(owner)
    this.#observer.began?.(owner)
    return 'BEGIN'
  }

  // PostgreSQL answers COMMIT of an aborted transaction by rolling it back, tagged ROLLBACK (Kysely checks the tag).
  #commit(owner: object, chain: boolean): Promise<string> {
    if (this.#queue.holder !== owner) return Promise.resolve('COMMIT')
    if (this.#connection.isAborted()) return this.#rollback(owner, chain)
    return this.#end(owner, chain ? COMMIT_AND_CHAIN : COMMIT, chain, 'COMMIT')
  }

  #rollback(owner: object, chain: boolean): Promise<string> {
    if (this.#queue.holder !== owner) return Promise.resolve('ROLLBACK')
    // ROLLBACK TO keeps the savepoint, which is exactly ROLLBACK AND CHAIN.
    return this.#end(owner, chain ? UNDO : UNDO_AND_RELEASE, chain, 'ROLLBACK')
  }

  async #end(owner: object, sql: string, chain: boolean, command: string): Promise<string> {
    let stillOpen = chain
    let committed = command === 'COMMIT'
    try {
      await this.#connection.run(sql)
      return command
    } catch (error) {
      // A COMMIT that fails (a deferred constraint) ends the transaction, as on PostgreSQL.
      stillOpen = false
      committed = false
      if (this.#connection.isAborted()) await this.#connection.run(UNDO_AND_RELEASE).catch(() => {})
      throw error
    } finally {
      this.#observer.ended?.(owner, committed)
      if (stillOpen) this.#observer.began?.(owner)
      else this.#queue.letGo(owner)
    }
  }
}
