/** A unit of work for the one connection, on behalf of one pool client. */
interface Job {
  readonly owner: object
  /** The job starts an app transaction, so it must wait while another client holds one. */
  readonly opensTransaction: boolean
  /** The job's SQL for messages, or how to get it: only a failing job needs it. */
  readonly text: string | (() => string)
  readonly start: () => Promise<void>
  readonly fail: (error: unknown) => void
  timer?: NodeJS.Timeout
}

export interface StatementQueueOptions {
  /** How long a job may wait for another client's transaction before it fails, in milliseconds. */
  readonly waitTimeout: number
  /** True while the holder's app transaction is aborted: other clients' statements would fail, so they wait. */
  readonly holderAborted: () => boolean
  readonly waitError: (text: string, waitedMs: number) => Error
}

/**
 * Runs the statements of every client of a test's pool one at a time on the test's one connection.
 *
 * Why one at a time, and why a mutex for app transactions: the pool's clients all share one real
 * connection and its savepoint stack. Statements from different clients interleave freely (as on a
 * real pool; pg's own queue would warn that queueing on a busy client is deprecated, so we queue
 * here). But an app transaction is a savepoint, and releasing or rolling back a savepoint does the
 * same to every savepoint taken after it: if a second client could BEGIN while the first's
 * transaction is open, the first client's COMMIT would release the second's savepoint, and the
 * second's COMMIT would then fail. So the client whose app transaction is open is the `holder`,
 * and another client's BEGIN waits until the holder's transaction ends. Jobs of one client always
 * run in the order the client sent them, so a client that waits holds back only its own later jobs.
 * A job that waits longer than `waitTimeout` fails: the usual cause is an app that waits for the
 * second transaction while holding the first, which would otherwise hang until the test times out.
 */
export class StatementQueue {
  readonly #options: StatementQueueOptions
  readonly #jobs: Job[] = []
  #holder: object | null = null
  #running: Promise<void> | null = null
  #runningOwner: object | null = null

  constructor(options: StatementQueueOptions) {
    this.#options = options
  }

  /** The client whose app transaction is open, if any. */
  get holder(): object | null {
    return this.#holder
  }

  /** Marks `owner` as holding the app transaction; called from inside one of its jobs. */
  hold(owner: object): void {
    this.#holder = owner
  }

  /** Ends `owner`'s hold; called from inside one of its jobs, so waiting jobs start right after. */
  letGo(owner: object): void {
    if (this.#holder === owner) this.#holder = null
  }

  /** True while a job of `owner` runs or waits. */
  isBusy(owner: object): boolean {
    return this.#runningOwner === owner || this.#jobs.some((job) => job.owner === owner)
  }

  /** Runs `task` when it is `owner`'s turn. */
  run<T>(owner: object, opensTransaction: boolean, text: string | (() => string), task: () => Promise<T>): Promise<T> {
    if (this.#running === null && this.#jobs.length === 0 && this.#mayRunNow(owner, opensTransaction)) {
      return this.#startAtOnce(owner, task)
    }
    return new Promise<T>((resolve, reject) => {
      const start = () => task().then(resolve, reject)
      this.#jobs.push({ owner, opensTransaction, text, start, fail: reject })
      this.#pump()
    })
  }

  /** Fails every job that has not started with `error(text)`, then waits for the running one. */
  drain(error: (text: string) => Error): Promise<void> {
    for (const job of this.#jobs.splice(0)) {
      clearTimeout(job.timer)
      job.fail(error(textOf(job)))
    }
    return this.#running ?? Promise.resolve()
  }

  #pump(): void {
    if (this.#running !== null) return
    const job = this.#next()
    if (job === undefined) return
    clearTimeout(job.timer)
    this.#runningOwner = job.owner
    this.#running = job.start().then(this.#finished)
  }

  // The common case, on almost every statement: nothing runs or waits, so no job is queued for it.
  #startAtOnce<T>(owner: object, task: () => Promise<T>): Promise<T> {
    let result: Promise<T>
    this.#runningOwner = owner
    try {
      result = task()
    } catch (error) {
      this.#runningOwner = null
      return Promise.reject(error)
    }
    this.#running = result.then(this.#finished, this.#finished)
    return result
  }

  readonly #finished = (): void => {
    this.#running = null
    this.#runningOwner = null
    this.#pump()
  }

  #next(): Job | undefined {
    // The common case, on every statement: the first job may run (no Set made for it).
    const first = this.#jobs[0]
    if (first !== undefined && this.#mayRun(first)) return this.#jobs.shift()
    const waiting = new Set<object>()
    for (const [index, job] of this.#jobs.entries()) {
      if (waiting.has(job.owner)) continue
      if (this.#mayRun(job)) return this.#jobs.splice(index, 1)[0]
      waiting.add(job.owner)
      this.#startWaitTimer(job)
    }
    return undefined
  }

  #mayRun(job: Job): boolean {
    return this.#mayRunNow(job.owner, job.opensTransaction)
  }

  #mayRunNow(owner: object, opensTransaction: boolean): boolean {
    if (this.#holder === null || this.#holder === owner) return true
    return !opensTransaction && !this.#options.holderAborted()
  }

  #startWaitTimer(job: Job): void {
    if (job.timer !== undefined) return
    const since = Date.now()
    job.timer = setTimeout(() => {
      const index = this.#jobs.indexOf(job)
      if (index === -1) return
      this.#jobs.splice(index, 1)
      job.fail(this.#options.waitError(textOf(job), Date.now() - since))
      this.#pump()
    }, this.#options.waitTimeout)
  }
}

function textOf(job: Job): string {
  return typeof job.text === 'string' ? job.text : job.text()
}
