import pg from 'pg'
import {
  backendPid,
  canForgetPreparedStatements,
  prepareRecycling,
  type RecycleBaseline,
  resetSession,
  restoreClone,
} from './clone-recycling.ts'

/** The `db.pool` of one clone, kept with the clone from test to test while it is recycled. */
export interface CloneSessions {
  readonly pool: pg.Pool
  /** Ends the pool, closing the clients a test never released (their pending queries fail). */
  end(): Promise<void>
}

interface Restorer {
  readonly client: pg.Client
  readonly baseline: RecycleBaseline
}

interface TrackedSessions extends CloneSessions {
  readonly clients: Set<pg.PoolClient>
  readonly checkedOut: Set<pg.PoolClient>
  /** Null when the clone cannot be recycled (tracking could not be installed, or recycling is off). */
  readonly restorer: Restorer | null
  /** The pool's listeners before any test added its own. */
  readonly listeners: Map<string | symbol, Set<unknown>>
}

/**
 * A pool on a clone no test has used yet; with `recycle`, the clone is first made recyclable
 * (tracking installed, and a connection of its own that restores it), so a later `recycleClone()`
 * can put it back. A clone where that fails (a table the user cannot add a trigger to) is used once
 * and dropped, as without recycling.
 */
export async function openSessions(url: string, recycle: boolean): Promise<CloneSessions> {
  const pool = new pg.Pool({ connectionString: url })
  const clients = new Set<pg.PoolClient>()
  const checkedOut = new Set<pg.PoolClient>()
  pool.on('connect', (client) => clients.add(client))
  pool.on('remove', (client) => clients.delete(client))
  pool.on('acquire', (client) => checkedOut.add(client))
  pool.on('release', (_error, client) => checkedOut.delete(client))
  // A connection of this pool that the server ends (a server stopping mid-test) must not crash the worker.
  pool.on('error', () => {})
  pool.on('connect', (client) => client.on('error', () => {}))
  const restorer = recycle ? await openRestorer(url) : null
  const listeners = snapshotListeners(pool)
  const sessions: TrackedSessions = { pool, clients, checkedOut, restorer, listeners, end: () => endAll(sessions) }
  return sessions
}

async function openRestorer(url: string): Promise<Restorer | null> {
  const client = new pg.Client({ connectionString: url, application_name: 'testbed clone restorer' })
  client.on('error', () => {})
  try {
    await client.connect()
    return { client, baseline: await prepareRecycling(client) }
  } catch {
    await client.end().catch(() => {})
    return null
  }
}

/**
 * Puts the clone and its sessions back as a fresh clone would be, and says whether it worked. It
 * does not when a client is still checked out, a session cannot be reset (one left in a
 * transaction), or the clone holds what a reset cannot undo (see restoreClone()).
 */
export async function recycleClone(sessions: CloneSessions): Promise<boolean> {
  const { restorer, checkedOut, pool, listeners, clients } = sessions as TrackedSessions
  if (restorer === null || checkedOut.size > 0 || pool.ending) return false
  restoreListeners(pool, listeners)
  // pg-pool closes a client whose query failed: idle, told to terminate, its server process may
  // still be exiting when the restore counts the clone's connections, and is testbed's own.
  const closing = [...clients].filter(isClosing)
  const open = [...clients].filter((client) => !isClosing(client))
  // A session a test left in a transaction holds its row locks, which the restore would wait for.
  if (!open.every(isReusable)) return false
  // With nothing checked out, this many connect() calls hand out exactly the idle clients.
  const idle = await Promise.all(open.map(() => pool.connect()))
  const own = [restorer.client, ...idle, ...closing].map(backendPid).filter((pid) => pid !== null)
  try {
    const [verdict] = await Promise.all([
      restoreClone(restorer.client, restorer.baseline, own),
      ...idle.map(resetSession),
    ])
    return verdict === 'restored'
  } catch {
    return false
  } finally {
    for (const client of idle) client.release()
  }
}

/**
 * Whether the client is being closed with no query on the wire (pg internals, which pg-pool reads
 * too): its server process only has the Terminate left to read, and is gone once the socket closes.
 * A client closed mid-query is not: its socket is destroyed and its server process may still write,
 * so it counts as a connection the restore must not run beside.
 */
function isClosing(client: pg.PoolClient): boolean {
  const state = client as unknown as { _ending?: unknown; _ended?: unknown; _activeQuery?: unknown }
  return state._ending === true && state._ended === false && state._activeQuery === null
}

function isReusable(client: pg.PoolClient): boolean {
  return client.getTransactionStatus() === 'I' && canForgetPreparedStatements(client)
}

function snapshotListeners(pool: pg.Pool): Map<string | symbol, Set<unknown>> {
  return new Map(pool.eventNames().map((event) => [event, new Set(pool.listeners(event))]))
}

/** Removes the listeners a test added to `db.pool`, so they neither pile up nor see the next test. */
function restoreListeners(pool: pg.Pool, before: Map<string | symbol, Set<unknown>>): void {
  for (const event of pool.eventNames()) {
    for (const listener of pool.listeners(event)) {
      if (!before.get(event)?.has(listener)) pool.removeListener(event, listener as (...args: unknown[]) => void)
    }
  }
}

async function endAll(sessions: TrackedSessions): Promise<void> {
  await Promise.all([endPool(sessions), sessions.restorer?.client.end().catch(() => {})])
}

async function endPool({ pool, checkedOut }: TrackedSessions): Promise<void> {
  if (pool.ending) return
  const ended = pool.end()
  if (checkedOut.size === 0) return ended
  ended.catch(() => {})
  await Promise.all([...checkedOut].map((client) => client.end().catch(() => {})))
}
