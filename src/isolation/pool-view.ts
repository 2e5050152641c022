import type pg from 'pg'
import type { PoolLike } from './isolated-database.ts'

/**
 * A test's handle on a pool the strategy shares across tests: everything passes through except
 * `end()`, so a test (or an app's shutdown hook) cannot close the pool the next test needs.
 */
export function poolView(pool: pg.Pool): PoolLike {
  return new Proxy(pool, {
    get(target, property) {
      if (property === 'end') return async () => {}
      const value = Reflect.get(target, property, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  }) as PoolLike
}
