import type pg from 'pg'
import type { IsolatedDatabase, IsolationStrategy } from '../isolated-database.ts'
import { poolView } from '../pool-view.ts'
import type { Template } from '../templates/ensure-template.ts'
import { type CloneSessions, openSessions, recycleClone } from './clone-sessions.ts'
import { createDatabasePool, type DatabasePool, type DatabasePoolOptions } from './database-pool.ts'

/** Options of the `database` strategy: its clone pool's, and whether clones are recycled. */
export interface DatabaseStrategyOptions extends DatabasePoolOptions {
  /**
   * Hand a test's clone to a later test once it is put back in the template's state (the rows and
   * sequences the test changed restored, its connections' sessions reset), instead of dropping it
   * and waiting for a new `CREATE DATABASE`. A clone whose test changed the schema, failed with
   * `keepOnFailure`, or left connections of its own open is dropped as before.
   * @default true
   */
  recycle?: boolean
}

/** The `database` strategy, with the clone pool behind it. */
export interface DatabaseStrategy extends IsolationStrategy {
  readonly clones: DatabasePool
}

/**
 * The `database` strategy: every test gets a database of its own cloned from the template, as a URL
 * any driver, ORM or other process can use, with real commits. `rollback` restores the clone for a
 * later test when it can (decisions/0037), and otherwise drops it in the background once the
 * connections the app opened on it have closed.
 * @example
 * await using isolation = await databaseStrategy(adminUrl, await ensureTemplate(adminUrl, source))
 * const db = await isolation.begin()
 * await db.query('INSERT INTO users (email) VALUES ($1)', ['a@example.com']) // committed, in this test's database only
 * await isolation.rollback(db, { failed: false })
 */
export async function databaseStrategy(
  adminUrl: string,
  template: Pick<Template, 'name' | 'hash'>,
  { recycle = true, ...options }: DatabaseStrategyOptions = {},
): Promise<DatabaseStrategy> {
  const clones = await createDatabasePool(adminUrl, template, options)
  // Every clone this strategy has opened connections on, leased or ready: recycled clones keep theirs.
  const sessions = new Map<string, CloneSessions>()
  const close = async () => {
    await Promise.all([...sessions.values()].map((clone) => clone.end()))
    sessions.clear()
    await clones.close()
  }
  // A recycled clone's handle is reused as is: building a new view and bound query costs as much as the rest of a handout.
  const handles = new WeakMap<CloneSessions, IsolatedDatabase>()
  const begin = async (): Promise<IsolatedDatabase> => {
    const { name, url } = await clones.acquire()
    const clone = sessions.get(name) ?? (await openSessions(url, recycle))
    sessions.set(name, clone)
    const handle = handles.get(clone) ?? isolatedDatabase(name, url, clone)
    handles.set(clone, handle)
    return handle
  }
  const rollback: IsolationStrategy['rollback'] = async (database, outcome = { failed: false }) => {
    const clone = sessions.get(database.name)
    if (clone !== undefined && !(outcome.failed && options.keepOnFailure) && (await recycleClone(clone))) {
      clones.recycle(database.name)
      return
    }
    sessions.delete(database.name)
    await clone?.end()
    await clones.release(database.name, outcome)
  }
  return { name: 'database', clones, begin, rollback, close, [Symbol.asyncDispose]: close }
}

function isolatedDatabase(name: string, url: string, clone: CloneSessions): IsolatedDatabase {
  const pool = poolView(clone.pool)
  return Object.freeze({ strategy: 'database', name, url, pool, query: pool.query as pg.Pool['query'] })
}
