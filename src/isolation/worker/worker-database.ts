import type { DatabasePool } from '../database/database-pool.ts'
import type { IsolatedDatabase } from '../isolated-database.ts'
import type { Leak } from '../leak-check/leak-check.ts'
import { leakError } from '../leak-check/leak-error.ts'
import { resetStrategy } from '../reset/reset-strategy.ts'
import { transactionStrategy } from '../transaction/transaction-strategy.ts'
import { type Lane, type RunningTest, WorkerClone } from './worker-clone.ts'

export type WorkerStrategyName = 'transaction' | 'reset'

/**
 * The databases one worker's tests run in under `transaction` or `reset`, as lanes that each run one
 * test at a time. Sequential tests reuse one lane; a test that begins while others run (Vitest's
 * `test.concurrent`) opens another: under `transaction` a connection and transaction of its own on
 * the worker's clone, under `reset` a clone of its own, since a reset puts back a whole database.
 * Lanes are kept for later tests, so a worker holds as many as it ever ran tests at once.
 */
export class WorkerDatabase {
  readonly strategyName: WorkerStrategyName
  readonly #clones: DatabasePool
  readonly #leakCheck: boolean
  readonly #beforeReplace: ((url: string) => Promise<void>) | undefined
  readonly #idle: Lane[] = []
  readonly #running = new Map<IsolatedDatabase, RunningTest>()
  #shared: Promise<WorkerClone> | null = null
  #current: WorkerClone | null = null
  #closing: Promise<void> | null = null

  private constructor(
    clones: DatabasePool,
    name: WorkerStrategyName,
    leakCheck: boolean,
    beforeReplace: ((url: string) => Promise<void>) | undefined,
  ) {
    this.#clones = clones
    this.strategyName = name
    this.#leakCheck = leakCheck
    this.#beforeReplace = beforeReplace
  }

  /**
   * Opens the first lane right away, so a broken template or server fails here rather than in a test.
   * `beforeReplace` is called with the URL of a clone a leak retired, before it is dropped.
   */
  static async open(
    clones: DatabasePool,
    name: WorkerStrategyName,
    leakCheck: boolean,
    beforeReplace?: (url: string) => Promise<void>,
  ): Promise<WorkerDatabase> {
    const worker = new WorkerDatabase(clones, name, leakCheck, beforeReplace)
    const lane = await worker.#openLane()
    worker.#idle.push(lane)
    if (leakCheck) await lane.clone.leakCheck()
    return worker
  }

  /** Starts a test in an idle lane, or a new one when every lane is busy. */
  async begin({ leakCheck = this.#leakCheck } = {}): Promise<IsolatedDatabase> {
    const lane = await this.#readyLane(leakCheck)
    try {
      const database = await lane.strategy.begin()
      const test: RunningTest = { lane, leakCheck, neighbours: 0 }
      lane.clone.enter(test)
      this.#running.set(database, test)
      return database
    } catch (error) {
      await this.#closeLane(lane)
      throw error
    }
  }

  /** An idle or new lane in a clone no leak retired, with the leak check installed when the test wants it. */
  async #readyLane(leakCheck: boolean): Promise<Lane> {
    const lane = this.#idle.pop() ?? (await this.#openLane())
    try {
      // Installed before the test writes: under `transaction` the triggers must see other sessions' commits.
      if (leakCheck) await lane.clone.leakCheck()
    } catch (error) {
      await this.#closeLane(lane)
      throw error
    }
    if (!lane.clone.retired) return lane
    // A test that ended meanwhile found a leak in this clone.
    await this.#closeLane(lane)
    return this.#readyLane(leakCheck)
  }

  /**
   * Undoes the test, then runs the leak check if its clone has one. A leak retires the clone, so no
   * later test sees what leaked, and fails the test unless it turned the check off.
   */
  async rollback(database: IsolatedDatabase, testName: string): Promise<void> {
    const test = this.#running.get(database)
    if (test === undefined) return
    this.#running.delete(database)
    const { lane } = test
    let leaks: Leak[]
    try {
      leaks = await this.#undo(lane, database)
    } catch (error) {
      lane.clone.running.delete(test)
      await this.#closeLane(lane)
      throw error
    }
    lane.clone.running.delete(test)
    await this.#putBack(lane)
    if (leaks.length === 0 || !test.leakCheck) return
    throw leakError(leaks, { testName, strategy: this.strategyName, neighbours: test.neighbours })
  }

  /** The database the next test begins in: an idle lane's, or a new one's once a leak retired the last. */
  async nextUrl(): Promise<string> {
    const lane = await this.#readyLane(false)
    this.#idle.push(lane)
    return lane.clone.lease.url
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutdown()
    return this.#closing
  }

  async #openLane(): Promise<Lane> {
    if (this.strategyName === 'transaction') {
      const clone = await this.#sharedClone()
      clone.lanes++
      return { strategy: transactionStrategy(clone.lease.url), clone }
    }
    const clone = new WorkerClone(await this.#clones.acquire(), true)
    clone.lanes++
    try {
      return { strategy: await resetStrategy(clone.lease.url), clone }
    } catch (error) {
      clone.lanes--
      await this.#release(clone)
      throw error
    }
  }

  #sharedClone(): Promise<WorkerClone> {
    if (this.#shared === null) {
      const acquiring = this.#clones.acquire().then((lease) => {
        this.#current = new WorkerClone(lease, false)
        return this.#current
      })
      acquiring.catch(() => {
        if (this.#shared === acquiring) this.#shared = null
      })
      this.#shared = acquiring
    }
    return this.#shared
  }

  /**
   * Undoes the test and looks for leaks, the check's first query riding in the round trip that
   * undoes it: under `transaction` right after the ROLLBACK (the check reads only what other
   * sessions committed), under `reset` right after the reset.
   */
  async #undo(lane: Lane, database: IsolatedDatabase): Promise<Leak[]> {
    if (!lane.clone.checked) {
      await lane.strategy.rollback(database)
      return []
    }
    const check = await lane.clone.leakCheck()
    const [answer] = await lane.strategy.rollbackAndQuery(database, check.anyChangeSql)
    return this.#found(lane.clone, await check.find({ changed: answer?.changed === true }))
  }

  /** A leak retires the clone it was found in. */
  async #found(clone: WorkerClone, leaks: Leak[]): Promise<Leak[]> {
    if (leaks.length > 0) await this.#retire(clone)
    return leaks
  }

  /** No test begins in `clone` any more; it is dropped once the tests still running there end. */
  async #retire(clone: WorkerClone): Promise<void> {
    clone.retired = true
    if (this.#current === clone) {
      this.#current = null
      this.#shared = null
    }
    const idle = this.#idle.filter((lane) => lane.clone === clone)
    this.#idle.splice(0, this.#idle.length, ...this.#idle.filter((lane) => lane.clone !== clone))
    await Promise.all(idle.map((lane) => this.#closeLane(lane)))
  }

  async #putBack(lane: Lane): Promise<void> {
    if (this.#closing !== null || lane.clone.retired) await this.#closeLane(lane)
    else this.#idle.push(lane)
  }

  async #closeLane(lane: Lane): Promise<void> {
    await lane.strategy.close().catch(() => {})
    const { clone } = lane
    clone.lanes--
    if (clone.lanes === 0 && (clone.retired || clone.exclusive)) await this.#release(clone)
  }

  async #release(clone: WorkerClone): Promise<void> {
    await clone.close()
    if (clone.retired) await this.#beforeReplace?.(clone.lease.url).catch(() => {})
    if (this.#closing === null) await this.#clones.release(clone.lease.name)
  }

  async #shutdown(): Promise<void> {
    const lanes = [...this.#idle.splice(0), ...[...this.#running.values()].map((test) => test.lane)]
    this.#running.clear()
    await Promise.all(lanes.map((lane) => lane.strategy.close().catch(() => {})))
    const clones = new Set([...lanes.map((lane) => lane.clone), ...(this.#current ? [this.#current] : [])])
    await Promise.all([...clones].map((clone) => clone.close()))
    await this.#clones.close()
  }
}
