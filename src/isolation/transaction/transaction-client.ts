import { EventEmitter } from 'node:events'
import pg from 'pg'
import { type QueryCall, readQueryCall, settle } from './query-call.ts'
import type { QueryOutcome, SharedConnection } from './shared-connection.ts'
import { doubleReleaseError, releasedClientError } from './transaction-errors.ts'

type ReleaseListener = (client: TransactionClient, error: Error | boolean | undefined) => void
type FailableSubmittable = pg.Submittable & { text?: string; handleError?: (error: Error) => void }

/**
 * What `pool.connect()` hands out: a `pg.PoolClient` look-alike whose statements run on the test's
 * one connection. A fresh object per checkout, so a released one can refuse to be used again.
 */
export class TransactionClient extends EventEmitter {
  readonly #connection: SharedConnection
  readonly #onRelease: ReleaseListener
  #released = false

  constructor(connection: SharedConnection, onRelease: ReleaseListener) {
    super()
    this.#connection = connection
    this.#onRelease = onRelease
  }

  /** `pg.Client#query`, in every call form pg accepts. */
  query(config?: unknown, values?: unknown, callback?: unknown): unknown {
    const call = readQueryCall(config, values, callback)
    if ('submittable' in call) return this.submit(call.submittable)
    return settle(this.run(call), call.callback)
  }

  /** Runs one normalized query call; used by `query` and by the pool's own `query`. */
  run(call: QueryCall): Promise<QueryOutcome> {
    if (this.#released) return Promise.reject(releasedClientError(call.text))
    return this.#connection.execute(this, call)
  }

  /** Passes a query object that drives the protocol itself (pg.Query, pg-cursor) to the connection. */
  submit<T extends FailableSubmittable>(submittable: T): T {
    this.drive(submittable).catch(() => {})
    return submittable
  }

  /** Like `submit`, resolving when the query object is done. */
  drive(submittable: FailableSubmittable): Promise<void> {
    const running = this.#released
      ? Promise.reject(releasedClientError(submittable.text ?? ''))
      : this.#connection.submit(this, submittable)
    return running.catch((error: Error) => {
      // Errors raised before pg ever saw the query reach the app the way pg's own would.
      submittable.handleError?.(error)
      throw error
    })
  }

  /** Gives the client back; an app transaction it left open is rolled back. */
  release(error?: Error | boolean): void {
    if (this.#released) throw doubleReleaseError()
    this.#released = true
    this.#connection.abandon(this)
    this.#onRelease(this, error)
  }

  escapeIdentifier(text: string): string {
    return pg.escapeIdentifier(text)
  }

  escapeLiteral(text: string): string {
    return pg.escapeLiteral(text)
  }
}
