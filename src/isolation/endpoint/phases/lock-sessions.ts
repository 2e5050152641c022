import type { ClientSession } from '../client/client-session.ts'
import type { ClientUnit } from '../client/client-unit.ts'
import { backendConnectError } from '../endpoint-errors.ts'
import type { ExchangePolicy } from '../exchange/exchange.ts'
import { runUnit } from '../exchange/run-unit.ts'
import type { TransactionStatus } from '../wire/backend-messages.ts'
import { failUnit } from './phase.ts'
import { openServerSession, type ServerSession } from './server-session.ts'

/**
 * Session advisory locks of the clients of a `transaction` test, each on a server session of the
 * client's own beside the shared one. Advisory locks are not transactional, so taking them outside
 * the test's transaction changes nothing of what they mean, and it keeps what the shared session
 * would lose: they exclude one client from another (and from other processes), a blocked
 * `pg_advisory_lock` blocks only its client, and a client's locks go when it disconnects (its
 * lock session closes) or when the test ends (every lock session closes).
 */
export class LockSessions {
  readonly #url: string
  readonly #status: (client: ClientSession) => TransactionStatus
  readonly #sessions = new Map<ClientSession, Promise<ServerSession>>()

  constructor(url: string, status: (client: ClientSession) => TransactionStatus) {
    this.#url = url
    this.#status = status
  }

  /** Runs the unit on the client's lock session; the client's ReadyForQuery keeps its shared status. */
  async serve(client: ClientSession, unit: ClientUnit): Promise<void> {
    let session: ServerSession
    try {
      session = await this.#sessionOf(client)
    } catch (error) {
      this.#sessions.delete(client)
      return failUnit(client, unit, backendConnectError(this.#url, error), this.#status(client))
    }
    const policy = this.#policy(client)
    session.router.sink = client
    client.active = session.backend
    try {
      await runUnit({ client, backend: session.backend, router: session.router, policy }, unit)
    } catch (error) {
      failUnit(client, unit, error, this.#status(client))
    } finally {
      client.active = null
    }
  }

  /** Releases the client's locks: its lock session closes. */
  release(client: ClientSession): void {
    const session = this.#sessions.get(client)
    this.#sessions.delete(client)
    session?.then(({ backend }) => backend.close()).catch(() => {})
  }

  /** Releases every client's locks, at the end of the test. */
  async closeAll(): Promise<void> {
    const sessions = [...this.#sessions.values()]
    this.#sessions.clear()
    await Promise.all(sessions.map((session) => session.then(({ backend }) => backend.close()).catch(() => {})))
  }

  #sessionOf(client: ClientSession): Promise<ServerSession> {
    let session = this.#sessions.get(client)
    if (session === undefined) {
      session = openServerSession(this.#url)
      this.#sessions.set(client, session)
    }
    return session
  }

  #policy(client: ClientSession): ExchangePolicy {
    return {
      wraps: () => false,
      answers: () => false,
      answer: () => Promise.reject(new Error('a lock session answers nothing itself')),
      status: () => this.#status(client),
      setLocally: () => {},
      notified: () => {},
    }
  }
}
