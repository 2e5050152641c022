import { EventEmitter } from 'node:events'
import type pg from 'pg'
import { assertPositiveNumber } from '../../core/options.ts'
import type { PoolLike } from '../isolated-database.ts'
import { readQueryCall, settle } from './query-call.ts'
import { SharedConnection } from './shared-connection.ts'
import { TransactionClient } from './transaction-client.ts'
import { poolEndedError, testEndedError } from './transaction-errors.ts'

export interface TransactionPoolOptions {
  /**
   * How long, in milliseconds, a client's BEGIN waits for another client's open app transaction
   * to end before it fails with `TESTBED_ISOLATION_TRANSACTION_WAIT`.
   * @default 5000
   */
  transactionWaitTimeout?: number
}

type ConnectCallback = (error: Error | undefined, client?: TransactionClient, done?: (error?: Error) => void) => void

/**
 * A `pg.Pool` look-alike whose every client runs on one real connection that is inside the test's
 * transaction; the app's BEGIN / COMMIT / ROLLBACK become savepoints. The class name contains
 * "Pool" on purpose: Drizzle tells a pool from a client by that name.
 */
export class TransactionPool extends EventEmitter {
  /** True once `end()` was called, as on `pg.Pool`. */
  ending = false
  /** True once `end()` has finished, as on `pg.Pool`. */
  ended = false
  /** `pg.Pool#options`; Kysely's dialect reads it. Nothing here is configurable. */
  readonly options: Readonly<Record<string, unknown>> = {}
  readonly #connection: SharedConnection
  readonly #client: pg.Client
  readonly #clients = new Set<TransactionClient>()
  readonly #endWaiters: Array<() => void> = []
  #detached = false
  readonly #forwardError = (error: Error) => {
    if (this.listenerCount('error') > 0) this.emit('error', error)
  }

  constructor(client: pg.Client, options: TransactionPoolOptions = {}) {
    super()
    this.#client = client
    this.#connection = new SharedConnection(client, {
      transactionWaitTimeout: options.transactionWaitTimeout ?? 5000,
    })
    client.on('error', this.#forwardError)
  }

  /** Clients checked out and not released yet. */
  get totalCount(): number {
    return this.#clients.size
  }

  /** Always 0: a released client is never reused. */
  get idleCount(): number {
    return 0
  }

  /** Always 0: `connect()` never waits. */
  get waitingCount(): number {
    return 0
  }

  /** `pg.Pool#query`: checks a client out, runs one query call on it, releases it. */
  query(config?: unknown, values?: unknown, callback?: unknown): unknown {
    if (typeof config === 'function') {
      return settle(
        Promise.reject(new TypeError('Passing a function as the first parameter to pool.query is not supported')),
        config as never,
      )
    }
    const call = readQueryCall(config, values, callback)
    if ('submittable' in call) {
      return this.#runOnce(call.submittable.text ?? '', (client) => client.drive(call.submittable))
    }
    return settle(
      this.#runOnce(call.text, (client) => client.run(call)),
      call.callback,
    )
  }

  /** `pg.Pool#connect`, promise or callback form. */
  connect(callback?: ConnectCallback): Promise<TransactionClient> | undefined {
    const refused = this.#refusal('pool.connect()')
    if (refused !== undefined) return settleConnect(Promise.reject(refused), callback)
    return settleConnect(Promise.resolve(this.#checkout()), callback)
  }

  /** `pg.Pool#end`: refuses further use and waits for checked-out clients; the real connection stays open. */
  end(callback?: (error: Error | null) => void): Promise<void> | undefined {
    if (this.ending) return settle(Promise.reject(poolEndedError('pool.end()')), callback)
    this.ending = true
    const released =
      this.#clients.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => this.#endWaiters.push(resolve))
    return settle(
      released.then(() => {
        this.ended = true
      }),
      callback,
    )
  }

  /** Ends this pool's life when its test ends: fails queued and later statements, waits for the running one. */
  async detach(): Promise<void> {
    this.#detached = true
    this.#client.off('error', this.#forwardError)
    await this.#connection.detach()
    for (const resolve of this.#endWaiters.splice(0)) resolve()
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.detach()
  }

  #runOnce<T>(text: string, work: (client: TransactionClient) => Promise<T>): Promise<T> {
    const refused = this.#refusal(text === '' ? 'pool.query()' : text)
    if (refused !== undefined) return Promise.reject(refused)
    const client = this.#checkout()
    return work(client).then(
      (result) => {
        client.release()
        return result
      },
      (error: Error) => {
        client.release(error)
        throw error
      },
    )
  }

  #refusal(what: string): Error | undefined {
    if (this.#detached) return testEndedError(what)
    if (this.ending) return poolEndedError(what.startsWith('pool.') ? what : 'pool.query()')
    return undefined
  }

  #checkout(): TransactionClient {
    const client = new TransactionClient(this.#connection, (released, error) => this.#released(released, error))
    this.#clients.add(client)
    this.emit('connect', client)
    this.emit('acquire', client)
    return client
  }

  #released(client: TransactionClient, error: Error | boolean | undefined): void {
    this.#clients.delete(client)
    this.emit('release', error, client)
    this.emit('remove', client)
    if (this.#clients.size === 0) for (const resolve of this.#endWaiters.splice(0)) resolve()
  }
}

/**
 * Creates the pool a test under isolation `transaction` gets, on `client`, a connected `pg.Client`
 * already inside the test's transaction. The pool never closes `client`.
 * @example
 * await client.query('BEGIN')
 * const pool = createTransactionPool(client)
 * await pool.query('BEGIN') // runs SAVEPOINT testbed_app
 */
export function createTransactionPool(client: pg.Client, options: TransactionPoolOptions = {}): TransactionPool {
  validatePoolOptions('createTransactionPool()', options)
  return new TransactionPool(client, options)
}

export function validatePoolOptions(where: string, options: TransactionPoolOptions): void {
  assertPositiveNumber(where, 'transactionWaitTimeout', options.transactionWaitTimeout)
}

/** The pool as the contract types it; pg's overloaded signatures cannot be implemented directly. */
export function asPoolLike(pool: TransactionPool): PoolLike {
  return pool as unknown as PoolLike
}

function settleConnect(
  promise: Promise<TransactionClient>,
  callback: ConnectCallback | undefined,
): Promise<TransactionClient> | undefined {
  if (callback === undefined) return promise
  promise.then(
    (client) => callback(undefined, client, (error) => client.release(error)),
    (error: Error) => callback(error),
  )
  return undefined
}
