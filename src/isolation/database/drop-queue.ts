import { setTimeout as delay } from 'node:timers/promises'
import type pg from 'pg'
import { describeCause, TestbedError } from '../../core/errors.ts'
import { formatMs, type Progress } from '../../core/progress.ts'
import { dropIfUnused, type OpenConnections, openConnections } from './open-connections.ts'

/**
 * What happens to a test's database while the app still has connections open on it:
 * `defer` drops it once they close, in the background; `wait` holds the test's teardown until they
 * close (up to a deadline, then defers); `terminate` ends them and drops it at once.
 */
export type OpenConnectionsPolicy = 'defer' | 'wait' | 'terminate'
export const OPEN_CONNECTIONS_POLICIES = ['defer', 'wait', 'terminate'] as const

export interface DropQueueOptions {
  /** How many databases may wait for their connections to close before `room()` holds callers back. */
  readonly limit: number
  /** How long, in milliseconds, `room()` waits for a database to be dropped before it fails. */
  readonly timeout: number
  readonly progress: Progress
  /** Gives up the lease of a database once it is dropped. */
  readonly unlock: (name: string) => Promise<void>
  /** @default 'defer' */
  readonly policy?: OpenConnectionsPolicy
  /** Under `wait`: how long, in milliseconds, a release waits for the connections to close. */
  readonly waitTimeout?: number
}

interface Pending {
  /** The test that used the database, for reports. */
  readonly testName: string | undefined
  /** What the last sweep saw open on it. */
  connections?: OpenConnections
  /** Whether its connection leak was reported. */
  reported?: boolean
}

const SWEEP_INTERVAL_MS = 250
// close() waits this long for connections that are already closing (a pool ended just before).
const CLOSE_GRACE_MS = 500

/**
 * Released test databases on their way out. Each is dropped once no connection is open on it,
 * at once for most: testbed never ends a connection the app opened, because pg re-emits that as an
 * 'error' on the app's pool, an uncaught exception when the pool has no listener. A database a
 * test left connections on is dropped when the app's pool closes them (pg.Pool closes idle ones
 * after 10 s). At most `limit` wait; then `room()` holds the next test back until one is dropped.
 */
export class DropQueue {
  readonly #ddl: pg.Pool
  readonly #options: DropQueueOptions
  readonly #pending = new Map<string, Pending>()
  readonly #sweepListeners = new Set<() => void>()
  #sweeping: Promise<void> | null = null
  #sweepAgain = false
  // Set once close() is done: the pool ends its connections next, so no sweep may start after it.
  #finished = false
  #timer: NodeJS.Timeout | undefined
  #fullSince: number | undefined
  #warned = false
  #closed = false

  constructor(ddl: pg.Pool, options: DropQueueOptions) {
    this.#ddl = ddl
    this.#options = options
  }

  /** Queues `name` to be dropped; `testName` names the test that used it, for reports. */
  add(name: string, testName?: string): void {
    this.#pending.set(name, { testName })
    void this.#sweep()
  }

  /**
   * Drops a test's database by the policy, after a `connection leak:` line naming the test, how
   * many connections it left open and their `application_name`. Under `defer` (the default) this
   * is `add()`: the sweep reports and drops in the background, so a test without leaks waits for nothing.
   */
  async release(name: string, testName?: string): Promise<void> {
    const policy = this.#options.policy ?? 'defer'
    if (policy === 'defer') return this.add(name, testName)
    const open = (await openConnections(this.#ddl, [name])).get(name)
    if (open === undefined) return this.#dropOrQueue(name, testName)
    this.#reportLeak(name, { testName, connections: open })
    if (policy === 'terminate') await terminateConnections(this.#ddl, name)
    else await this.#waitForClose(name)
    return this.#dropOrQueue(name, testName)
  }

  #reportLeak(name: string, pending: Pending): void {
    if (pending.reported || pending.connections === undefined) return
    pending.reported = true
    const policy = this.#options.policy ?? 'defer'
    this.#options.progress.warn(connectionLeakLine(pending.testName, name, pending.connections, policy))
  }

  async #dropOrQueue(name: string, testName: string | undefined): Promise<void> {
    if (await dropIfUnused(this.#ddl, name).catch(() => false)) return this.#options.unlock(name)
    this.#pending.set(name, { testName, reported: true })
    void this.#sweep()
  }

  async #waitForClose(name: string): Promise<void> {
    const deadline = Date.now() + (this.#options.waitTimeout ?? 5000)
    while (Date.now() < deadline && (await openConnections(this.#ddl, [name])).has(name)) {
      await delay(SWEEP_INTERVAL_MS / 5)
    }
  }

  /** Resolves once fewer than `limit` databases wait to be dropped; fails after `timeout` without room. */
  async room(): Promise<void> {
    while (this.#isFull()) {
      // A fresh look before waiting and before giving up: the last release's sweep may not have run yet.
      if (this.#fullSince === undefined && !(await this.#fullAfterFreshSweep())) continue
      this.#fullSince ??= Date.now()
      this.#warnOnce()
      const left = this.#fullSince + this.#options.timeout - Date.now()
      if (left > 0) await this.#nextSweep(left)
      else if (await this.#fullAfterFreshSweep()) throw this.#leftOpenError()
    }
  }

  /** Whether `room()` would hold a caller back now. */
  get full(): boolean {
    return this.#isFull()
  }

  #isFull(): boolean {
    return this.#pending.size >= this.#options.limit && !this.#closed
  }

  /** Sweeps once more (a sweep begun after this call sees every database queued before it), then looks. */
  async #fullAfterFreshSweep(): Promise<boolean> {
    await this.#sweeping
    await this.#sweep()
    return this.#isFull()
  }

  /** Drops what it can, after a short grace for closing connections; the rest become orphans for the next pool's sweep. */
  async close(): Promise<void> {
    this.#closed = true
    clearTimeout(this.#timer)
    const deadline = Date.now() + CLOSE_GRACE_MS
    await this.#sweep()
    while (this.#pending.size > 0 && Date.now() < deadline) {
      await delay(SWEEP_INTERVAL_MS / 5)
      await this.#sweep()
    }
    this.#finished = true
    // A sweep asked for while the last one ran may still be running: it ends before the connections do.
    await this.#sweeping
    this.#wakeWaiters()
  }

  #sweep(): Promise<void> {
    if (this.#finished) return this.#sweeping ?? Promise.resolve()
    if (this.#sweeping !== null) {
      this.#sweepAgain = true
      return this.#sweeping
    }
    clearTimeout(this.#timer)
    // A failed sweep (the server is going away) is retried by the next one.
    this.#sweeping = this.#sweepOnce()
      .catch(() => {})
      .finally(() => this.#afterSweep())
    return this.#sweeping
  }

  async #sweepOnce(): Promise<void> {
    const names = [...this.#pending.keys()]
    if (names.length === 0) return
    const open = await openConnections(this.#ddl, names)
    for (const name of names) {
      const pending = this.#pending.get(name)
      const connections = open.get(name)
      if (pending !== undefined && connections !== undefined) {
        pending.connections = connections
        if (!this.#closed) this.#reportLeak(name, pending)
      } else if (pending !== undefined) await this.#drop(name)
    }
  }

  async #drop(name: string): Promise<void> {
    try {
      if (!(await dropIfUnused(this.#ddl, name))) return
    } catch (error) {
      this.#options.progress.warn(`could not drop test database ${name}: ${describeCause(error)}`)
    }
    this.#pending.delete(name)
    await this.#options.unlock(name)
  }

  #afterSweep(): void {
    this.#sweeping = null
    if (this.#pending.size < this.#options.limit) this.#fullSince = undefined
    this.#wakeWaiters()
    if (this.#sweepAgain && !this.#finished) {
      this.#sweepAgain = false
      void this.#sweep()
    } else if (!this.#closed && this.#pending.size > 0) {
      this.#timer = setTimeout(() => void this.#sweep(), SWEEP_INTERVAL_MS).unref()
    }
  }

  #nextSweep(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(wake, timeoutMs)
      function wake() {
        clearTimeout(timer)
        resolve()
      }
      this.#sweepListeners.add(wake)
    })
  }

  #wakeWaiters(): void {
    for (const wake of this.#sweepListeners) wake()
    this.#sweepListeners.clear()
  }

  #warnOnce(): void {
    if (this.#warned) return
    this.#warned = true
    this.#options.progress.warn(
      `${this.#pending.size} test databases wait to be dropped until the connections their tests left open close, so the next test waits for one (pg.Pool closes idle connections after 10 s); ${END_POOLS}: ${this.#describePending().join('; ')}`,
    )
  }

  #leftOpenError(): TestbedError {
    return new TestbedError('TESTBED_ISOLATION_CONNECTIONS_LEFT_OPEN', {
      what: 'No test database to hand out: earlier tests left connections open on theirs',
      subject: `${this.#pending.size} databases wait to be dropped`,
      why: `testbed drops a test's database only once its connections close, as ending them would crash an app pool without an 'error' listener, and none of these closed within ${formatMs(this.#options.timeout)}`,
      fix: capitalize(END_POOLS),
      details: this.#describePending(),
    })
  }

  #describePending(): string[] {
    return [...this.#pending].map(([name, { testName, connections }]) => {
      const count = connections?.count ?? 0
      const applications = connections?.applications.length
        ? ` (application_name ${connections.applications.join(', ')})`
        : ''
      return `${testName ?? 'a test'}: ${count} connection${count === 1 ? '' : 's'} open on ${name}${applications}`
    })
  }
}

function connectionLeakLine(
  testName: string | undefined,
  name: string,
  { count, applications }: OpenConnections,
  policy: OpenConnectionsPolicy,
): string {
  const names = applications.length > 0 ? ` (application_name ${applications.join(', ')})` : ''
  const then = {
    defer: 'its database is dropped once they close',
    wait: 'its teardown waits for them to close',
    terminate: 'testbed ends them to drop its database',
  }[policy]
  return `connection leak: ${testName ?? 'a test'} left ${count} connection${count === 1 ? '' : 's'} open on ${name}${names}; ${then}. To fix: ${END_POOLS}`
}

/** Ends every client connection on `name`, for the `terminate` policy. */
async function terminateConnections(ddl: pg.Pool, name: string): Promise<void> {
  await ddl.query(
    `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE datname = $1 AND backend_type = 'client backend' AND pid <> pg_backend_pid()`,
    [name],
  )
}

const END_POOLS =
  "end the app's pool or client at the end of each test (`await pool.end()`, `await knex.destroy()`, `await prisma.$disconnect()`), or hand the app `db.pool`, which testbed ends itself"

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
