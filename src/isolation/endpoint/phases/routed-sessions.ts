import type { ClientSession } from '../client/client-session.ts'
import type { ClientUnit } from '../client/client-unit.ts'
import { backendConnectError, errorResponseFor, testEndedError } from '../endpoint-errors.ts'
import type { ExchangePolicy } from '../exchange/exchange.ts'
import { runUnit } from '../exchange/run-unit.ts'
import { sendOwn } from '../exchange/server-round.ts'
import type { TransactionStatus } from '../wire/backend-messages.ts'
import { writeQuery } from '../wire/frontend-messages.ts'
import { failUnit, type Phase, type RefusedStatement } from './phase.ts'
import { openServerSession, type ServerSession } from './server-session.ts'

/**
 * Isolation `database` and `reset` at the protocol level: each client gets a server session of
 * its own on the test's database, opened when it first sends something during the test and
 * closed when the test ends, so connections made before the test (a pool created at import
 * time) reach the current test's database. Statements run as they are, with real transactions;
 * only the client's prepared statements, settings and LISTEN channels are carried over to each
 * new session.
 */
export class RoutedSessions implements Phase, ExchangePolicy {
  readonly refused: readonly RefusedStatement[] = []
  readonly url: string
  readonly #sessions = new Map<ClientSession, Promise<ServerSession>>()
  readonly #backends = new Map<ClientSession, ServerSession['backend']>()
  /** A session opened as the test begins, for the first client that needs one. */
  #spare: Promise<ServerSession> | null
  #over = false

  constructor(url: string) {
    this.url = url
    this.#spare = openServerSession(url)
    this.#spare.catch(() => {})
  }

  /** The session opened in advance: it proves the database answers, and tells its parameters. */
  get firstSession(): Promise<ServerSession> {
    return this.#spare ?? this.#openSession()
  }

  async serve(client: ClientSession, unit: ClientUnit): Promise<boolean> {
    if (this.#over) return false
    let session: ServerSession
    try {
      session = await this.#sessionOf(client)
    } catch (error) {
      this.#sessions.delete(client)
      failUnit(client, unit, backendConnectError(this.url, error), 'I')
      return true
    }
    const { backend, router } = session
    router.sink = client
    router.onCopyIn = () => {
      client.copyTarget = backend
    }
    client.active = backend
    try {
      await runUnit({ client, backend, router, policy: this }, unit)
    } catch (error) {
      failUnit(client, unit, error, backend.status)
    } finally {
      client.active = null
      client.copyTarget = null
    }
    return true
  }

  clientLeft(client: ClientSession): void {
    const session = this.#sessions.get(client)
    this.#sessions.delete(client)
    this.#backends.delete(client)
    session?.then(({ backend }) => backend.close()).catch(() => {})
  }

  /** Closes every session of the test, so its database can be dropped or reset. */
  async end(): Promise<void> {
    this.#over = true
    const sessions = [...this.#sessions.values(), ...(this.#spare === null ? [] : [this.#spare])]
    for (const client of this.#sessions.keys()) abandonBatch(client)
    this.#sessions.clear()
    this.#backends.clear()
    this.#spare = null
    await Promise.all(sessions.map((session) => session.then(({ backend }) => backend.close()).catch(() => {})))
  }

  wraps(): boolean {
    return false
  }

  answers(): boolean {
    return false
  }

  answer(): Promise<string> {
    return Promise.reject(new Error('RoutedSessions answers no statement itself'))
  }

  /** The client's own session ends its SET LOCAL itself. */
  setLocally(): void {}

  /** The server delivers it, at the client's commit. */
  notified(): void {}

  status(client: ClientSession): TransactionStatus {
    return this.#backends.get(client)?.status ?? 'I'
  }

  #sessionOf(client: ClientSession): Promise<ServerSession> {
    let session = this.#sessions.get(client)
    if (session === undefined) {
      session = this.#attach(client)
      this.#sessions.set(client, session)
    }
    return session
  }

  async #attach(client: ClientSession): Promise<ServerSession> {
    // Taken before the await: clients that attach at once must not both get the spare session.
    const spare = this.#spare
    this.#spare = null
    const session = await (spare ?? this.#openSession())
    this.#backends.set(client, session.backend)
    // A notification for an idle client still reaches it.
    session.router.idleSink = client
    if (client.channels.size > 0) {
      const listen = [...client.channels].map((channel) => `LISTEN "${channel.replaceAll('"', '""')}"`)
      await sendOwn(session, writeQuery(listen.join('; ')))
    }
    return session
  }

  #openSession(): Promise<ServerSession> {
    return openServerSession(this.url)
  }
}

/** A client in the middle of a batch when its session closes: the rest of the batch fails. */
function abandonBatch(client: ClientSession): void {
  if (client.batch === null) return
  if (!client.batch.failed) client.send(errorResponseFor(testEndedError('')))
  client.batch = { wrapped: false, failed: true, unsynced: false, outgoing: [] }
  client.flush()
}
