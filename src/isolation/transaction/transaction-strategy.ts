import pg from 'pg'
import { describeCause, TestbedError } from '../../core/errors.ts'
import { assertString } from '../../core/options.ts'
import { redactUrl } from '../../core/redact.ts'
import type { IsolatedDatabase, LaneStrategy } from '../isolated-database.ts'
import { TEST_TRANSACTION_SETTING } from '../tracking/write-tracking.ts'
import { strategyStateError } from './transaction-errors.ts'
import { TransactionPool, type TransactionPoolOptions, validatePoolOptions } from './transaction-pool.ts'

/** Options of {@link transactionStrategy}. */
export interface TransactionStrategyOptions extends TransactionPoolOptions {}

interface OpenTest {
  readonly database: IsolatedDatabase
  readonly pool: TransactionPool
  ending?: Promise<pg.QueryResultRow[]>
}

// Session advisory locks survive ROLLBACK; a test that forgot to unlock would hand its lock to the next.
const ROLLBACK = 'ROLLBACK; SELECT pg_advisory_unlock_all()'

/**
 * Isolation `transaction`: one connection to the database at `url`; `begin()` opens a transaction
 * and hands out a pool whose clients all run inside it, `rollback()` undoes everything the test did.
 * @example
 * await using strategy = transactionStrategy(workerDatabaseUrl)
 * const db = await strategy.begin()
 * await db.query('INSERT INTO users (email) VALUES ($1)', ['a@example.com'])
 * await strategy.rollback(db) // the row is gone
 */
export function transactionStrategy(url: string, options: TransactionStrategyOptions = {}): LaneStrategy {
  assertString('transactionStrategy()', 'url', url)
  validatePoolOptions('transactionStrategy()', options)
  return new TransactionStrategy(url, options)
}

class TransactionStrategy implements LaneStrategy {
  readonly name = 'transaction'
  readonly #url: string
  readonly #options: TransactionStrategyOptions
  readonly #name: string
  #client: Promise<pg.Client> | null = null
  /** The connection once it is open, so a test's begin and end need not wait a turn for it. */
  #connected: pg.Client | null = null
  #current: OpenTest | null = null
  #beginning = false
  #closed = false

  constructor(url: string, options: TransactionStrategyOptions) {
    this.#url = url
    this.#name = databaseName(url)
    this.#options = options
  }

  async begin(): Promise<IsolatedDatabase> {
    this.#assertCanBegin()
    this.#beginning = true
    try {
      const client = this.#connected ?? (await this.#connection())
      // Not awaited here: the test's own setup runs while BEGIN travels, and its statements wait
      // for BEGIN's answer in the pool's queue. BEGIN can only fail with its connection, which then
      // fails the test's first statement the same way.
      const pool = new TransactionPool(client, this.#options, client.query('BEGIN'))
      this.#current = { database: isolatedDatabase(this.#url, this.#name, pool), pool }
      return this.#current.database
    } finally {
      this.#beginning = false
    }
  }

  async rollback(database: IsolatedDatabase): Promise<void> {
    await this.#rollback(database, null)
  }

  rollbackAndQuery(database: IsolatedDatabase, sql: string): Promise<pg.QueryResultRow[]> {
    return this.#rollback(database, sql)
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    // Ending the connection rolls back whatever transaction is still open.
    await this.#current?.pool.detach()
    this.#current = null
    const client = this.#client
    this.#client = null
    this.#connected = null
    await client?.then((connected) => connected.end()).catch(() => {})
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  #assertCanBegin(): void {
    if (this.#closed) {
      throw strategyStateError('begin()', 'The strategy was closed', 'Create a new one with transactionStrategy()')
    }
    if (this.#current !== null || this.#beginning) {
      throw strategyStateError(
        'begin()',
        "The previous test's transaction is still open, and the strategy runs one test at a time on its one connection",
        'Await rollback() after each test before the next begin()',
      )
    }
  }

  #rollback(database: IsolatedDatabase, sql: string | null): Promise<pg.QueryResultRow[]> {
    const current = this.#current
    if (current === null || current.database !== database) return Promise.resolve([])
    current.ending ??= this.#end(current, sql)
    return current.ending
  }

  async #end(current: OpenTest, sql: string | null): Promise<pg.QueryResultRow[]> {
    try {
      await current.pool.detach()
      const client = this.#connected ?? (await this.#connection())
      if (sql === null) {
        await client.query(ROLLBACK)
        return []
      }
      // Several statements in one query: pg resolves to one result per statement.
      const results = (await client.query(`${ROLLBACK}; ${sql}`)) as unknown as pg.QueryResult[]
      return results.at(-1)?.rows ?? []
    } finally {
      this.#current = null
    }
  }

  #connection(): Promise<pg.Client> {
    if (this.#client === null) {
      const connecting = connect(this.#url, () => {
        if (this.#client !== connecting) return
        this.#client = null
        this.#connected = null
      })
      this.#client = connecting
      connecting.then(
        (client) => {
          if (this.#client === connecting) this.#connected = client
        },
        () => {},
      )
    }
    return this.#client
  }
}

/**
 * Connects; `onLost` runs when the connection fails or closes, so the next test opens a new one.
 * The session is marked as a test transaction's: the leak check's triggers skip its writes, which
 * are rolled back anyway.
 */
async function connect(url: string, onLost: () => void): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url })
  client.on('error', onLost).on('end', onLost)
  try {
    await client.connect()
    // A SET rather than a startup option, which poolers such as PgBouncer refuse.
    await client.query(`SET ${TEST_TRANSACTION_SETTING} = on`)
    return client
  } catch (error) {
    onLost()
    throw connectError(url, error)
  }
}

function isolatedDatabase(url: string, name: string, pool: TransactionPool): IsolatedDatabase {
  return { strategy: 'transaction', url, name, pool, query: pool.query.bind(pool) }
}

/** The database a connection URL names; pg accepts socket URLs (`postgresql://user@/db?host=…`) that `URL` refuses. */
export function databaseName(url: string): string {
  const path = /^[a-z]+:\/\/[^/?#]*\/([^?#]*)/i.exec(url)?.[1] ?? ''
  const user = /^[a-z]+:\/\/([^:@/?#]+)[^@/?#]*@/i.exec(url)?.[1]
  return decodeURIComponent(path) || (user === undefined ? 'postgres' : decodeURIComponent(user))
}

function connectError(url: string, cause: unknown): TestbedError {
  return new TestbedError(
    'TESTBED_ISOLATION_CONNECT_FAILED',
    {
      what: "Cannot connect to the test database for isolation 'transaction'",
      subject: redactUrl(url),
      why: `The connection failed: ${describeCause(cause)}`,
      fix: 'Check that the database exists and its server runs (`testbed services status`)',
    },
    { cause },
  )
}
