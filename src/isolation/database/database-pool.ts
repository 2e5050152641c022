import pg from 'pg'
import type { TestbedError } from '../../core/errors.ts'
import { createConsoleProgress, type Progress } from '../../core/progress.ts'
import { redactUrl } from '../../core/redact.ts'
import { connectAdmin, serverInfo } from '../templates/connect-admin.ts'
import { databaseUrl } from '../templates/database-url.ts'
import type { Template } from '../templates/ensure-template.ts'
import { cloneLockKey, cloneName, dropOrphanClones, markKept } from './clone-leases.ts'
import { type CloneStrategy, chooseCloneStrategy, cloneStatement } from './clone-strategy.ts'
import { DropQueue, type OpenConnectionsPolicy } from './drop-queue.ts'
import { cloneFailed, controlLost, droppedOrphans, isDuplicateDatabase, notLeased, poolClosed } from './pool-errors.ts'
import { holdTemplate, validatePoolOptions, WHERE } from './pool-setup.ts'

export interface DatabasePoolOptions {
  /**
   * How many clones to keep ready ahead of `acquire()`.
   * @default 2
   */
  size?: number
  /**
   * How clones are copied from the template: `auto` picks FILE_COPY when the server runs with
   * fsync off (as servers testbed starts do) and WAL_LOG otherwise. Ignored before PostgreSQL 15.
   * @default 'auto'
   */
  strategy?: 'auto' | CloneStrategy
  /**
   * Keep the database of a test released with `{ failed: true }` and print how to open it with psql.
   * @default false
   */
  keepOnFailure?: boolean
  /**
   * How many released databases may wait to be dropped before `acquire()` waits for one. A database
   * is dropped once no connection is open on it: testbed never ends a connection the app opened
   * (pg would re-emit that as an uncaught 'error' on a pool without a listener), so one a test left
   * connections on waits until the app's pool closes them (pg.Pool: 10 s after their last use).
   * @default 16
   */
  maxPendingDrops?: number
  /**
   * How long, in milliseconds, `acquire()` waits for one of those databases to be dropped before it
   * fails with `TESTBED_ISOLATION_CONNECTIONS_LEFT_OPEN`, naming the tests that left connections open.
   * @default 30000
   */
  pendingDropTimeout?: number
  /**
   * What happens to a test's database while the app still has connections open on it (a pool it
   * never ended), after a `connection leak:` line naming the test, the count and their
   * `application_name`: `defer` drops it once they close, in the background (at most
   * `maxPendingDrops` wait); `wait` holds the test's teardown until they close, up to
   * `openConnectionsTimeout`, then defers; `terminate` ends them (`pg_terminate_backend`) and drops
   * it at once — the app's pool then sees `57P01` on those connections.
   * @default 'defer'
   */
  openConnections?: OpenConnectionsPolicy
  /**
   * Under `openConnections: 'wait'`: how long, in milliseconds, a test's teardown waits for the
   * connections it left open to close.
   * @default 5000
   */
  openConnectionsTimeout?: number
  /**
   * Where kept databases, databases waiting for connections, and cleanup problems are reported.
   * @default lines on stderr
   */
  progress?: Progress
}

/** How a leased database comes back: the test's outcome and name. */
export interface ReleaseOutcome {
  failed: boolean
  /** The test that used the database, named in reports of connections it left open. */
  testName?: string
}

/** A database leased to one test. */
export interface DatabaseLease {
  name: string
  url: string
}

/** Clones of one template, kept ready in the background and leased one per test. */
export interface DatabasePool extends AsyncDisposable {
  /** The clone strategy in use; null before PostgreSQL 15, which only copies files. */
  readonly strategy: CloneStrategy | null
  /** A clone only the caller holds: from the ready ones, or the next one made. */
  acquire(): Promise<DatabaseLease>
  /**
   * Gives a clone back: it is dropped in the background once no connection is open on it, or kept
   * when the test failed and `keepOnFailure` is on.
   */
  release(name: string, outcome?: ReleaseOutcome): Promise<void>
  /**
   * Gives back a clone its holder put back in the template's state: the next `acquire()` hands it
   * out again, still leased to this pool, instead of waiting for a new one.
   */
  recycle(name: string): void
  /** Resolves once `size` clones are ready. */
  warm(): Promise<void>
  /**
   * Drops the ready and leased clones, after waiting for clones being made. Clones that still have
   * connections open are left to the next pool's sweep of orphans, which drops them once unused.
   */
  close(): Promise<void>
}

type TemplateRef = Pick<Template, 'name' | 'hash'>

// CREATE DATABASE is I/O and a checkpoint or a WAL burst; more than two at once only slow each other
// down on a 2-core machine (bench/isolation-database.ts).
const MAX_CONCURRENT_CREATES = 2
// How long a connection that made or dropped clones is kept for the next one (pg.Pool's default is 10 s).
const DDL_IDLE_MS = 1000
// Names are 64 random bits: a second attempt is already a one-in-billions event.
const MAX_NAME_ATTEMPTS = 5

/**
 * Starts a pool of clones of `template`. Each clone is leased through a session advisory lock held by
 * this pool's control connection, so no other process can take it, and clones whose owner died are
 * dropped when any pool starts.
 * @example
 * await using clones = await createDatabasePool(adminUrl, await ensureTemplate(adminUrl, source))
 * const { url, name } = await clones.acquire()
 * // … the test connects to url with any driver, commits for real …
 * await clones.release(name, { failed: false })
 */
export async function createDatabasePool(
  adminUrl: string,
  template: TemplateRef,
  options: DatabasePoolOptions = {},
): Promise<DatabasePool> {
  validatePoolOptions(options)
  const control = await connectAdmin(adminUrl, WHERE, `testbed clone pool ${process.pid}`)
  try {
    const server = await serverInfo(control, WHERE)
    await holdTemplate(control, template)
    const strategy = await chooseCloneStrategy(control, options.strategy ?? 'auto', server)
    const progress = options.progress ?? createConsoleProgress()
    const orphans = await dropOrphanClones(control)
    if (orphans.length > 0) progress.done(droppedOrphans(orphans.length))
    return new ClonePool({ adminUrl, template, control, strategy, options: { ...options, progress } })
  } catch (error) {
    await control.end().catch(() => {})
    throw error
  }
}

interface ClonePoolSetup {
  adminUrl: string
  template: TemplateRef
  control: pg.Client
  strategy: CloneStrategy | null
  options: DatabasePoolOptions & { progress: Progress }
}

interface Waiter<T = string> {
  resolve(value: T): void
  reject(error: Error): void
}

class ClonePool implements DatabasePool {
  readonly strategy: CloneStrategy | null
  readonly #setup: ClonePoolSetup
  readonly #size: number
  // CREATE and DROP DATABASE run here, off the control connection, so lease queries never wait behind them.
  readonly #ddl: pg.Pool
  readonly #drops: DropQueue
  #ready: string[] = []
  readonly #leased = new Set<string>()
  #waiters: Waiter[] = []
  #warmers: Array<Waiter<void>> = []
  #creating = 0
  #refillScheduled = false
  readonly #tasks = new Set<Promise<unknown>>()
  #failure: Error | undefined
  #lost: TestbedError | undefined
  #closing: Promise<void> | undefined
  #controlQueue: Promise<unknown> = Promise.resolve()

  constructor(setup: ClonePoolSetup) {
    this.#setup = setup
    this.strategy = setup.strategy
    this.#size = setup.options.size ?? 2
    this.#ddl = new pg.Pool({
      connectionString: setup.adminUrl,
      max: MAX_CONCURRENT_CREATES,
      // Once clones are recycled these sit idle for most of a run: a server process each (~2–3 MB).
      idleTimeoutMillis: DDL_IDLE_MS,
    })
    this.#ddl.on('error', () => {})
    this.#drops = new DropQueue(this.#ddl, {
      limit: setup.options.maxPendingDrops ?? 16,
      timeout: setup.options.pendingDropTimeout ?? 30_000,
      progress: setup.options.progress,
      unlock: (name) => this.#unlock(name),
      policy: setup.options.openConnections,
      waitTimeout: setup.options.openConnectionsTimeout,
    })
    setup.control.on('end', () => this.#loseControl())
    this.#refill()
  }

  async acquire(): Promise<DatabaseLease> {
    this.#assertUsable()
    if (this.#drops.full) {
      await this.#drops.room()
      this.#assertUsable()
    }
    const ready = this.#ready.shift()
    if (ready === undefined) return this.#lease(await this.#waitForClone())
    this.#leased.add(ready)
    this.#refillSoon()
    return this.#lease(ready)
  }

  async release(name: string, outcome: ReleaseOutcome = { failed: false }): Promise<void> {
    if (this.#closing) return
    if (!this.#leased.delete(name)) throw notLeased(name)
    if (outcome.failed && this.#setup.options.keepOnFailure) return this.#keep(name)
    await this.#drops.release(name, outcome.testName)
  }

  recycle(name: string): void {
    if (!this.#leased.delete(name)) throw notLeased(name)
    if (this.#closing) {
      this.#drops.add(name)
      return
    }
    // Last in, first out: the clone just used is the one whose pages are still in the server's cache.
    this.#ready.unshift(name)
    this.#handOutReady()
  }

  async warm(): Promise<void> {
    this.#assertUsable()
    if (this.#ready.length >= this.#size) return
    await new Promise<void>((resolve, reject) => this.#warmers.push({ resolve, reject }))
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutdown()
    return this.#closing
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  #waitForClone(): Promise<string> {
    // A failed clone stops the refill until someone asks again, so a missing template is not retried in a loop.
    this.#failure = undefined
    const clone = new Promise<string>((resolve, reject) => this.#waiters.push({ resolve, reject }))
    this.#refill()
    return clone
  }

  #lease(name: string): DatabaseLease {
    return { name, url: databaseUrl(this.#setup.adminUrl, name) }
  }

  /**
   * Refills once the caller has its clone: the lock query and CREATE DATABASE it sends would
   * otherwise run before the caller resumes, tripling the handout (bench/isolation-database.ts).
   */
  #refillSoon(): void {
    if (this.#refillScheduled) return
    this.#refillScheduled = true
    setImmediate(() => {
      this.#refillScheduled = false
      this.#refill()
    })
  }

  #refill(): void {
    while (this.#wantsClone()) {
      this.#creating++
      const created = this.#createClone().then(
        (name) => this.#addReady(name),
        (error: unknown) => this.#failAll(cloneFailed(this.#setup.template.name, error)),
      )
      this.#track(
        created.finally(() => {
          this.#creating--
          this.#refill()
        }),
      )
    }
  }

  #wantsClone(): boolean {
    if (this.#closing || this.#failure || this.#lost || this.#creating >= MAX_CONCURRENT_CREATES) return false
    return this.#ready.length + this.#creating < this.#size + this.#waiters.length
  }

  async #createClone(attempt = 1): Promise<string> {
    const name = await this.#lockFreshName()
    try {
      await this.#ddl.query(cloneStatement(name, this.#setup.template.name, this.strategy))
      return name
    } catch (error) {
      await this.#unlock(name)
      if (isDuplicateDatabase(error) && attempt < MAX_NAME_ATTEMPTS) return this.#createClone(attempt + 1)
      throw error
    }
  }

  /** A clone name whose lease lock this pool now holds: a name another pool holds is never waited for. */
  async #lockFreshName(): Promise<string> {
    const name = cloneName(this.#setup.template.hash)
    const { rows } = await this.#onControl('SELECT pg_try_advisory_lock($1) AS locked', name)
    return rows[0]?.locked === true ? name : this.#lockFreshName()
  }

  #addReady(name: string): void {
    this.#ready.push(name)
    this.#handOutReady()
  }

  /** A caller waiting for a clone gets the first ready one; warmers wake once `size` are ready. */
  #handOutReady(): void {
    const waiter = this.#ready.length > 0 ? this.#waiters.shift() : undefined
    if (waiter) {
      const name = this.#ready.shift() as string
      this.#leased.add(name)
      waiter.resolve(name)
      return
    }
    if (this.#ready.length < this.#size) return
    for (const warmer of this.#warmers.splice(0)) warmer.resolve()
  }

  #failAll(error: TestbedError): void {
    this.#failure = error
    for (const waiter of [...this.#waiters.splice(0), ...this.#warmers.splice(0)]) waiter.reject(error)
  }

  async #keep(name: string): Promise<void> {
    await markKept(this.#ddl, name, this.#setup.template.name)
    await this.#unlock(name)
    const url = redactUrl(databaseUrl(this.#setup.adminUrl, name))
    this.#setup.options.progress.warn(`kept database ${name} for the failed test: psql ${url}`)
  }

  async #unlock(name: string): Promise<void> {
    await this.#onControl('SELECT pg_advisory_unlock($1)', name).catch(() => {})
  }

  /** Lock queries, one at a time: pg deprecates overlapping queries on one client. */
  #onControl(sql: string, clone: string): Promise<pg.QueryResult> {
    const run = () => this.#setup.control.query(sql, [cloneLockKey(clone)])
    const result = this.#controlQueue.then(run, run)
    this.#controlQueue = result.catch(() => {})
    return result
  }

  #track(task: Promise<unknown>): void {
    this.#tasks.add(task)
    task.finally(() => this.#tasks.delete(task)).catch(() => {})
  }

  async #shutdown(): Promise<void> {
    this.#failAll(poolClosed())
    while (this.#tasks.size > 0) await Promise.allSettled([...this.#tasks])
    for (const name of [...this.#ready.splice(0), ...this.#leased]) this.#drops.add(name)
    this.#leased.clear()
    await this.#drops.close()
    await this.#sweepOrphans()
    await this.#ddl.end().catch(() => {})
    await this.#setup.control.end().catch(() => {})
  }

  /**
   * Drops what pools that died since this one started left behind (a killed shard on a shared
   * server), so the last run to end leaves no test database, not just the next run to start.
   */
  async #sweepOrphans(): Promise<void> {
    if (this.#lost) return
    const orphans = await dropOrphanClones(this.#setup.control).catch(() => [])
    if (orphans.length > 0) this.#setup.options.progress.done(droppedOrphans(orphans.length))
  }

  #loseControl(): void {
    if (this.#closing) return
    this.#lost = controlLost(this.#setup.adminUrl)
    this.#failAll(this.#lost)
  }

  #assertUsable(): void {
    if (this.#lost) throw this.#lost
    if (this.#closing) throw poolClosed()
  }
}
