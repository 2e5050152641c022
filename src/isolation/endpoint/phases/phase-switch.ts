import type { ClientSession } from '../client/client-session.ts'
import type { ClientUnit } from '../client/client-unit.ts'
import { errorResponseFor, ServerError, writeOutsideTestError } from '../endpoint-errors.ts'
import type { ResolvedEndpointOptions } from '../endpoint-options.ts'
import { sendOwn } from '../exchange/server-round.ts'
import { decodeBackendMessage } from '../wire/backend-messages.ts'
import { writeQuery } from '../wire/frontend-messages.ts'
import type { Phase, RefusedStatement } from './phase.ts'
import { RoutedSessions } from './routed-sessions.ts'
import { openServerSession, type ServerSession } from './server-session.ts'
import { SharedTransaction } from './shared-transaction.ts'

/** What the endpoint serves next: a test's transaction, the read-only time between tests, a test's own database. */
export type PhasePlan =
  | { readonly kind: 'shared'; readonly url: string; readonly test: boolean }
  | { readonly kind: 'routed'; readonly url: string }

export interface PhaseSwitchOptions extends ResolvedEndpointOptions {
  readonly deliver: (from: ClientSession, channel: string, payload: string) => void
  /** Called while no phase runs, to bring every client's session state past the end of a test. */
  readonly onSwitch: () => void
}

// Session advisory locks survive ROLLBACK; a test that forgot to unlock would hand its lock to the next.
const END_SHARED = ['ROLLBACK', 'SELECT pg_advisory_unlock_all()']

/**
 * The endpoint's current phase, and the moves between phases: each ends the previous phase
 * (rolling back the shared session's transaction) and starts the next, in as few round trips as
 * possible: from between tests to a `transaction` test on the same database is one
 * `ROLLBACK; …; BEGIN`. Units are stamped with the era they arrived in, so one sent during a
 * test that has ended is refused rather than run in the next.
 */
export class PhaseSwitch {
  readonly #options: PhaseSwitchOptions
  #phase: Phase | null = null
  #era = 0
  readonly #testEras = new Set<number>()
  #shared: { url: string; session: ServerSession } | null = null
  #parameters: ReadonlyMap<string, string> | null = null
  readonly #waiters = new Set<() => void>()

  constructor(options: PhaseSwitchOptions) {
    this.#options = options
  }

  get era(): number {
    return this.#era
  }

  get current(): Phase | null {
    return this.#phase
  }

  /** The server's parameter statuses, once any session to it was opened. */
  get parameters(): ReadonlyMap<string, string> | null {
    return this.#parameters
  }

  /** True for a unit sent during a test that has ended. */
  isStale(unit: ClientUnit): boolean {
    return unit.era !== this.#era && this.#testEras.has(unit.era)
  }

  /** Resolves when a phase runs (and the server's parameters are known), or after `timeout` ms with false. */
  waitForPhase(timeout: number): Promise<boolean> {
    if (this.#phase !== null) return Promise.resolve(true)
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer)
        this.#waiters.delete(wake)
        resolve(true)
      }
      const timer = setTimeout(() => {
        this.#waiters.delete(wake)
        resolve(false)
      }, timeout)
      this.#waiters.add(wake)
    })
  }

  /** Ends the current phase and starts `plan` (or none); returns what the ended phase refused. */
  async switchTo(plan: PhasePlan | null): Promise<readonly RefusedStatement[]> {
    const previous = this.#phase
    this.#phase = null
    this.#era++
    await previous?.end()
    this.#options.onSwitch()
    const next = await this.#start(plan, previous instanceof SharedTransaction)
    if (plan?.kind === 'routed' || plan?.test === true) this.#testEras.add(this.#era)
    this.#phase = next
    if (next !== null) for (const wake of [...this.#waiters]) wake()
    return previous?.refused ?? []
  }

  /** Closes the shared session. */
  async close(): Promise<void> {
    await this.switchTo(null)
  }

  async #closeShared(): Promise<void> {
    const shared = this.#shared
    this.#shared = null
    await shared?.session.backend.close()
  }

  async #start(plan: PhasePlan | null, sharedWasOpen: boolean): Promise<Phase | null> {
    const statements = sharedWasOpen ? [...END_SHARED] : []
    // Nothing to serve: the shared session's database may be about to be dropped (closing rolls it back).
    if (plan === null) {
      await this.#closeShared()
      return null
    }
    if (plan.kind !== 'shared') {
      await this.#runShared(statements)
      const routed = new RoutedSessions(plan.url)
      this.#parameters ??= (await routed.firstSession).backend.parameters
      return routed
    }
    const session = await this.#sharedSession(plan.url, statements)
    statements.push(plan.test ? 'BEGIN' : 'BEGIN READ ONLY')
    await this.#runShared(statements)
    session.router.translateError = plan.test ? (error) => error : translateReadOnlyError
    return new SharedTransaction(session, this.#options)
  }

  /** The shared session on `url`; one on another database is closed (which rolls it back). */
  async #sharedSession(url: string, statements: string[]): Promise<ServerSession> {
    if (this.#shared?.url === url && this.#shared.session.backend.lost === null) return this.#shared.session
    const previous = this.#shared
    this.#shared = null
    statements.length = 0
    await previous?.session.backend.close()
    const session = await openServerSession(url)
    this.#shared = { url, session }
    this.#parameters ??= session.backend.parameters
    return session
  }

  async #runShared(statements: readonly string[]): Promise<void> {
    const shared = this.#shared
    if (shared === null || statements.length === 0) return
    const error = await sendOwn(shared.session, writeQuery(statements.join('; ')))
    shared.session.backend.settings.clear()
    shared.session.backend.statements.unnamedPortalOwner = null
    if (error !== null) throw new ServerError(error)
  }
}

// Between tests the shared transaction is READ ONLY: a write there is the app's mistake, explained.
function translateReadOnlyError(error: Buffer): Buffer {
  const { code, message } = decodeBackendMessage(error) as { code?: string; message?: string }
  return code === '25006' ? errorResponseFor(writeOutsideTestError(message ?? '')) : error
}
