/**
 * The isolation strategies, by name: the one list config validation, the `db` fixture's options and
 * `createIsolation()` read. What each does is `ISOLATION_STRATEGIES` (isolation/isolation-strategies.ts),
 * whose type requires an entry for every name here.
 * @example
 * for (const strategy of ISOLATION_NAMES) {
 *   await using isolation = await createIsolation(url, { strategy })
 * }
 */
export const ISOLATION_NAMES = ['transaction', 'database', 'reset'] as const

/** `transaction` (rolled back), `database` (a clone per test) or `reset` (written tables restored). */
export type IsolationName = (typeof ISOLATION_NAMES)[number]

/** The strategy a suite gets when it names none. */
export const DEFAULT_ISOLATION: IsolationName = 'transaction'
