import type { DatabaseLease } from '../database/database-pool.ts'
import type { LaneStrategy } from '../isolated-database.ts'
import { LeakCheck } from '../leak-check/leak-check.ts'

/** One test running in a clone: what it asked of the leak check, and who ran beside it. */
export interface RunningTest {
  readonly lane: Lane
  readonly leakCheck: boolean
  /** Tests that ran in the same clone while this one did. */
  neighbours: number
}

/** Runs one test at a time: a strategy on a clone. Concurrent tests each get a lane of their own. */
export interface Lane {
  readonly strategy: LaneStrategy
  readonly clone: WorkerClone
}

/**
 * A database cloned from the template for one worker's tests: shared by every `transaction` lane
 * (each test in a transaction of its own), or owned by one `reset` lane (a test commits for real).
 * Retired once something leaked into it; dropped when its last lane closes.
 */
export class WorkerClone {
  readonly lease: DatabaseLease
  /** True when only one lane uses it (`reset`): the clone goes when its lane does. */
  readonly exclusive: boolean
  readonly running = new Set<RunningTest>()
  lanes = 0
  retired = false
  #leakCheck: Promise<LeakCheck> | null = null

  constructor(lease: DatabaseLease, exclusive: boolean) {
    this.lease = lease
    this.exclusive = exclusive
  }

  /** The leak check, installed on first use: from then on every test that ends here is checked. */
  leakCheck(): Promise<LeakCheck> {
    if (this.#leakCheck === null) {
      const opening = LeakCheck.open(this.lease.url)
      // A failed install is tried again by the next test that asks, rather than failing every test after it.
      opening.catch(() => {
        if (this.#leakCheck === opening) this.#leakCheck = null
      })
      this.#leakCheck = opening
    }
    return this.#leakCheck
  }

  get checked(): boolean {
    return this.#leakCheck !== null
  }

  /** Registers a test that begins here; every test already running gains a neighbour. */
  enter(test: RunningTest): void {
    for (const other of this.running) other.neighbours++
    test.neighbours = this.running.size
    this.running.add(test)
  }

  async close(): Promise<void> {
    const check = await this.#leakCheck?.catch(() => null)
    await check?.close()
  }
}
