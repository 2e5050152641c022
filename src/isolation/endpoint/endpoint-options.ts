import { assertBoolean, assertKnownKeys, assertPositiveNumber, assertString } from '../../core/options.ts'

/** Options of {@link createWireEndpoint}. */
export interface WireEndpointOptions {
  /**
   * A database served read-only while no test runs (module scope, beforeAll, afterAll), so code
   * that reads at import time or in beforeAll works; writes there fail with
   * `TESTBED_ISOLATION_ENDPOINT_WRITE_OUTSIDE_TEST`. Without it, such queries wait for the next test.
   * @default undefined (queries wait, up to `idleTimeout`)
   */
  betweenTests?: string
  /**
   * How long, in milliseconds, a query sent while no test runs (and no `betweenTests` database is
   * set) waits for the next test before it fails with `TESTBED_ISOLATION_ENDPOINT_NO_TEST`.
   * @default 5000
   */
  idleTimeout?: number
  /**
   * Under `transaction`: how long, in milliseconds, a client's BEGIN waits for another client's
   * open app transaction before it fails with `TESTBED_ISOLATION_TRANSACTION_WAIT`.
   * @default 5000
   */
  transactionWaitTimeout?: number
  /**
   * Under `transaction`: run each statement outside an app transaction inside a savepoint of its
   * own, so that a failing statement does not abort the test (as on a real server).
   * @default true
   */
  statementSavepoints?: boolean
  /**
   * Listen on a Unix socket too (in a private temp dir), for `socketUrl` and `env`: measured to
   * add half the time per query that TCP adds (bench/endpoint-overhead.ts).
   * @default true, except on Windows
   */
  unixSocket?: boolean
  /**
   * The database name in the endpoint's URL (clients may send any: the endpoint serves the test's).
   * @default 'testbed'
   */
  database?: string
}

export interface ResolvedEndpointOptions {
  readonly betweenTests: string | undefined
  readonly idleTimeout: number
  readonly transactionWaitTimeout: number
  readonly statementSavepoints: boolean
  readonly unixSocket: boolean
  readonly database: string
}

const WHERE = 'createWireEndpoint()'
const KNOWN = ['betweenTests', 'idleTimeout', 'transactionWaitTimeout', 'statementSavepoints', 'unixSocket', 'database']

export function resolveEndpointOptions(options: WireEndpointOptions): ResolvedEndpointOptions {
  assertKnownKeys(WHERE, options, KNOWN)
  assertString(WHERE, 'betweenTests', options.betweenTests)
  assertPositiveNumber(WHERE, 'idleTimeout', options.idleTimeout)
  assertPositiveNumber(WHERE, 'transactionWaitTimeout', options.transactionWaitTimeout)
  assertBoolean(WHERE, 'statementSavepoints', options.statementSavepoints)
  assertBoolean(WHERE, 'unixSocket', options.unixSocket)
  assertString(WHERE, 'database', options.database)
  return {
    betweenTests: options.betweenTests,
    idleTimeout: options.idleTimeout ?? 5000,
    transactionWaitTimeout: options.transactionWaitTimeout ?? 5000,
    statementSavepoints: options.statementSavepoints ?? true,
    unixSocket: options.unixSocket ?? process.platform !== 'win32',
    database: options.database ?? 'testbed',
  }
}
