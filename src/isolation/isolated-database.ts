import type pg from 'pg'
import type { IsolationName } from '../core/isolation-names.ts'

export type { IsolationName }

/**
 * What `db.pool` is under every strategy: a real `pg.Pool` (`instanceof pg.Pool` holds), so
 * libraries that take an existing pool only when it is one (@prisma/adapter-pg) keep it.
 */
export type PoolLike = pg.Pool

/** What one test gets: a database only it sees, for as long as the test runs. */
export interface IsolatedDatabase {
  /** The strategy that made it. */
  readonly strategy: IsolationName
  /**
   * A URL any driver can connect to. Under `transaction`, connections made from it do NOT see the
   * test's uncommitted rows; use `pool` there.
   */
  readonly url: string
  /** The database's name on the server. */
  readonly name: string
  /** A `pg.Pool`; under `transaction`, every client it hands out runs inside the test's transaction. */
  readonly pool: pg.Pool
  /** Shorthand for `pool.query`. */
  query: pg.Pool['query']
}

/** Hands out isolated databases, one per test: `begin` before the test, `rollback` after it. */
export interface IsolationStrategy extends AsyncDisposable {
  readonly name: IsolationName
  begin(): Promise<IsolatedDatabase>
  /**
   * Undoes what the test did. `failed` lets `database` keep a failed test's database when asked to;
   * `testName` names the test in reports of connections it left open.
   */
  rollback(database: IsolatedDatabase, outcome?: { failed: boolean; testName?: string }): Promise<void>
  /** Releases every database and connection the strategy holds. */
  close(): Promise<void>
}

/**
 * A strategy that can run one more query in the round trip that undoes a test (`transaction`,
 * `reset`): the leak check's, at no round trip of its own.
 */
export interface LaneStrategy extends IsolationStrategy {
  /**
   * Undoes the test like `rollback()`, then runs `sql` in the same round trip, outside the test's
   * transaction. Resolves to the rows of `sql` (none when the test was undone already).
   */
  rollbackAndQuery(database: IsolatedDatabase, sql: string): Promise<pg.QueryResultRow[]>
}
