import pg from 'pg'
import { assertPositiveNumber } from '../../core/options.ts'
import { type QueryCall, readQueryCall, settle } from './query-call.ts'
import { type QueryOutcome, SharedConnection } from './shared-connection.ts'
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

const CLIENT_EVENTS = ['connect', 'acquire', 'release', 'remove'] as const

type ConnectCallback = (
  error: Error | undefined,
  client: pg.PoolClient | undefined,
  done: (release?: unknown) => void,
) => void

/**
 * A real `pg.Pool` (so `instanceof pg.Pool` holds, as @prisma/adapter-pg requires) that never opens a
 * connection of its own: every client it hands out runs on one real connection that is inside the
 * test's transaction, and the app's BEGIN / COMMIT / ROLLBACK become savepoints. The class name
 * contains "Pool" on purpose: Drizzle tells a pool from a client by that name.
 */
export class TransactionPool extends pg.Pool {
  /** True once `end()` was called, as on `pg.Pool`. */
  override ending = false
  /** True once `end()` has finished, as on `pg.Pool`. */
  override ended = false
  readonly #connection: SharedConnection
  readonly #client: pg.Client
  readonly #clients = new Set<TransactionClient>()
  /** `pool.query()` calls running without a client object (see #runUnwatched). */
  #unwatchedRunning = 0
  readonly #endWaiters: Array<() => void> = []
  #detached = false
  readonly #forwardError = (error: Error) => {
    if (this.listenerCount('error') > 0) this.emit('error', error)
  }

  /** `opening`: the test's BEGIN, sent and not yet answered (see transactionStrategy). */
  constructor(client: pg.Client, options: TransactionPoolOptions = {}, opening?: Promise<unknown>) {
    // `options` names the test's database, so code that reads it to open connections of its own
    // reaches the test server, never pg's default of localhost:5432.
    super(connectionOptionsOf(client))
    this.#client = client
    this.#connection = new SharedConnection(client, {
      transactionWaitTimeout: options.transactionWaitTimeout ?? 5000,
      opening,
    })
    client.on('error', this.#forwardError)
  }

  static {
    // pg's types declare the counters as fields, which TypeScript will not let a subclass turn into
    // getters; pg-pool computes them in getters over its own lists, which this pool leaves empty.
    const zero = { get: () => 0, configurable: true }
    Object.defineProperties(TransactionPool.prototype, {
      // Clients checked out and not released yet.
      totalCount: {
        get(this: TransactionPool) {
          return this.#clients.size + this.#unwatchedRunning
        },
        configurable: true,
      },
      // A released client is never reused, `connect()` never waits, clients never expire.
      idleCount: zero,
      waitingCount: zero,
      expiredCount: zero,
    })
  }

  /** `pg.Pool#query`: checks a client out, runs one query call on it, releases it. */
  // biome-ignore lint/suspicious/noExplicitAny: one implementation of pg's dozen overloads, which differ in return type.
  override query(config?: unknown, values?: unknown, callback?: unknown): any {
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
    if (!this.#watched()) return settle(this.#runUnwatched(call), call.callback)
    return settle(
      this.#runOnce(call.text, (client) => client.run(call)),
      call.callback,
    )
  }

  /** `pg.Pool#connect`, promise or callback form. */
  override connect(): Promise<pg.PoolClient>
  override connect(callback: ConnectCallback): void
  override connect(callback?: ConnectCallback): Promise<pg.PoolClient> | undefined {
    const refused = this.#refusal('pool.connect()')
    if (refused !== undefined) return settleConnect(Promise.reject(refused), callback)
    return settleConnect(Promise.resolve(this.#checkout()), callback)
  }

  /** `pg.Pool#end`: refuses further use and waits for checked-out clients; the real connection stays open. */
  override end(): Promise<void>
  override end(callback: () => void): void
  override end(callback?: (error: Error | null) => void): Promise<void> | undefined {
    if (this.ending) return settle(Promise.reject(poolEndedError('pool.end()')), callback)
    this.ending = true
    const released =
      this.totalCount === 0 ? Promise.resolve() : new Promise<void>((resolve) => this.#endWaiters.push(resolve))
    return settle(
      released.then(() => {
        this.ended = true
      }),
      callback,
    )
  }

  /** Ends this pool's life when its test ends: fails queued and later statements, waits for the running one. */
  detach(): Promise<void> {
    this.#detached = true
    this.#client.off('error', this.#forwardError)
    return this.#connection.detach().then(() => {
      for (const resolve of this.#endWaiters.splice(0)) resolve()
    })
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

  // Nobody can tell a checked-out client from none when no one listens for the pool's client events.
  #watched(): boolean {
    return CLIENT_EVENTS.some((event) => this.listenerCount(event) > 0)
  }

  /** `pool.query()` without a client object: the statement runs on behalf of a bare owner token. */
  #runUnwatched(call: QueryCall): Promise<QueryOutcome> {
    const refused = this.#refusal(call.text === '' ? 'pool.query()' : call.text)
    if (refused !== undefined) return Promise.reject(refused)
    const owner = {}
    this.#unwatchedRunning++
    const done = () => {
      this.#unwatchedRunning--
      this.#connection.abandon(owner)
      this.#maybeEnded()
    }
    return this.#connection.execute(owner, call).then(
      (result) => {
        done()
        return result
      },
      (error: Error) => {
        done()
        throw error
      },
    )
  }

  #maybeEnded(): void {
    if (this.#endWaiters.length === 0 || this.totalCount > 0) return
    for (const resolve of this.#endWaiters.splice(0)) resolve()
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
    this.#maybeEnded()
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

function connectionOptionsOf(client: pg.Client): pg.PoolConfig {
  const { host, port, user, database } = client
  return { host, port, user, database }
}

function settleConnect(
  promise: Promise<TransactionClient>,
  callback: ConnectCallback | undefined,
): Promise<pg.PoolClient> | undefined {
  const asPoolClient = promise as unknown as Promise<pg.PoolClient>
  if (callback === undefined) return asPoolClient
  asPoolClient.then(
    (client) => callback(undefined, client, (error) => client.release(error as Error | boolean | undefined)),
    (error: Error) => callback(error, undefined, () => {}),
  )
  return undefined
}
