import { randomBytes, randomInt } from 'node:crypto'
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createScramSha256Data, type ScramSha256Data } from 'pg-gateway'
import type { IsolationName } from '../../core/isolation-names.ts'
import { greet } from './client/client-greeting.ts'
import { acceptClient, type CancelKey } from './client/client-handshake.ts'
import { ClientSession } from './client/client-session.ts'
import type { ClientUnit } from './client/client-unit.ts'
import { noTestError, testEndedError } from './endpoint-errors.ts'
import { type ResolvedEndpointOptions, resolveEndpointOptions, type WireEndpointOptions } from './endpoint-options.ts'
import { failUnit, type RefusedStatement, unitText } from './phases/phase.ts'
import { PhaseSwitch } from './phases/phase-switch.ts'
import { errorResponse, notificationResponse } from './wire/backend-messages.ts'

export type { WireEndpointOptions } from './endpoint-options.ts'
export type { RefusedStatement } from './phases/phase.ts'

/** The database a test runs in, and the isolation it runs under. */
export interface EndpointTarget {
  /**
   * `transaction`: every client's statements run in one transaction on `url`, rolled back after
   * the test. `database` (a clone per test) and `reset` (the worker's database): each client gets
   * a session of its own on `url`, with real transactions, closed after the test.
   */
  readonly isolation: IsolationName
  readonly url: string
}

/** What happened during a test that the test runner must act on. */
export interface EndpointTestReport {
  /**
   * Statements refused under `transaction` because PostgreSQL cannot run them inside a
   * transaction (`VACUUM`, `CREATE DATABASE`, …): the test should fail naming them, and run under
   * `database` next time.
   */
  readonly refused: readonly RefusedStatement[]
}

const USER = 'testbed'

/**
 * A PostgreSQL endpoint for one test worker: one stable URL (set it as `DATABASE_URL` before the
 * app is imported) that always reaches the current test's database, under any isolation, for any
 * driver or ORM. Under `transaction`, every connection the app opens is served inside the test's
 * one transaction, and the app's own transactions become savepoints.
 * @example
 * await using endpoint = await createWireEndpoint({ betweenTests: workerDatabaseUrl })
 * Object.assign(process.env, endpoint.env) // before the app is imported
 * await endpoint.beginTest({ isolation: 'transaction', url: workerDatabaseUrl })
 * // … the test runs; the app's pool connects to endpoint.url …
 * const { refused } = await endpoint.endTest() // rolled back
 */
export async function createWireEndpoint(options: WireEndpointOptions = {}): Promise<WireEndpoint> {
  const resolved = resolveEndpointOptions(options)
  const password = randomBytes(18).toString('base64url')
  const endpoint = new WireEndpoint(resolved, password, await createScramSha256Data(password))
  await endpoint.listen()
  return endpoint
}

export class WireEndpoint implements AsyncDisposable {
  readonly #options: ResolvedEndpointOptions
  readonly #password: string
  readonly #scram: ScramSha256Data
  readonly #server: Server
  #socketServer: { server: Server; dir: string } | null = null
  readonly #clients = new Map<number, ClientSession>()
  readonly #sockets = new Set<Socket>()
  readonly #phases: PhaseSwitch
  #betweenTestsUrl: string | undefined
  #transition: Promise<unknown> = Promise.resolve()
  #testRunning = false
  #closed = false

  constructor(options: ResolvedEndpointOptions, password: string, scram: ScramSha256Data) {
    this.#options = options
    this.#password = password
    this.#scram = scram
    this.#betweenTestsUrl = options.betweenTests
    this.#server = createServer((socket) => void this.#accept(socket))
    this.#phases = new PhaseSwitch({
      ...options,
      deliver: (from, channel, payload) => this.#deliver(from, channel, payload),
      onSwitch: () => this.#forgetTestState(),
    })
  }

  /** The endpoint's URL, with its password: give it to the app as `DATABASE_URL`. */
  get url(): string {
    const { port } = this.#server.address() as AddressInfo
    return `postgresql://${USER}:${this.#password}@127.0.0.1:${port}/${this.#options.database}`
  }

  /**
   * The endpoint's URL through its Unix socket (unless `unixSocket: false`), in libpq's form: the
   * socket's directory as the `host` parameter. pg, postgres.js, Knex, TypeORM, Sequelize and
   * Prisma's adapter use the socket; a driver that ignores the parameter (MikroORM) reaches the
   * same endpoint over TCP at the URL's address.
   */
  get socketUrl(): string | undefined {
    if (this.#socketServer === null) return undefined
    const host = encodeURIComponent(this.#socketServer.dir)
    return `${this.url}?host=${host}`
  }

  /**
   * `DATABASE_URL` and the libpq variables (`PGHOST`, `PGPORT`, …) that point at the endpoint,
   * through its Unix socket when it has one (cheaper per query than TCP).
   */
  get env(): Readonly<Record<string, string>> {
    const { port } = this.#server.address() as AddressInfo
    return {
      DATABASE_URL: this.socketUrl ?? this.url,
      PGHOST: this.#socketServer?.dir ?? '127.0.0.1',
      PGPORT: String(port),
      PGUSER: USER,
      PGPASSWORD: this.#password,
      PGDATABASE: this.#options.database,
      PGSSLMODE: 'disable',
    }
  }

  /** Starts listening on an ephemeral port of 127.0.0.1, and serves `betweenTests` if set. */
  async listen(): Promise<void> {
    await listenOn(this.#server, { port: 0, host: '127.0.0.1' })
    if (this.#options.unixSocket) await this.#listenOnSocket()
    if (this.#betweenTestsUrl !== undefined) await this.#switch(this.#betweenTests())
  }

  /** Begins a test: from now on every client's statements run in `target`. */
  async beginTest(target: EndpointTarget): Promise<void> {
    this.#testRunning = true
    const plan =
      target.isolation === 'transaction'
        ? { kind: 'shared' as const, url: target.url, test: true }
        : { kind: 'routed' as const, url: target.url }
    await this.#switch(plan)
  }

  /** Ends the test: rolls back (or closes its sessions), then serves the time between tests. */
  async endTest(): Promise<EndpointTestReport> {
    this.#testRunning = false
    return { refused: await this.#switch(this.#betweenTests()) }
  }

  /**
   * Serves another database between tests from the next `endTest()` on: the worker's, after the
   * worker's database was replaced (a leak check's fresh clone); undefined to serve none.
   */
  setBetweenTests(url: string | undefined): void {
    this.#betweenTestsUrl = url
  }

  /**
   * Serves `url` between tests, at once when no test runs (else from the next `endTest()` on):
   * the worker's fresh database after a leak replaced the last.
   */
  async serveBetweenTests(url: string | undefined): Promise<void> {
    const changed = url !== this.#betweenTestsUrl
    this.#betweenTestsUrl = url
    if (changed && !this.#testRunning) await this.#switch(this.#betweenTests())
  }

  /**
   * Lets go of the database at `url`, which is about to be dropped: when it is the one served
   * between tests, its session closes and nothing is served between tests until `serveBetweenTests()`.
   */
  async letGo(url: string): Promise<void> {
    if (url === this.#betweenTestsUrl) await this.serveBetweenTests(undefined)
  }

  /**
   * Stops serving: closes every server session and stops listening. Client connections are left
   * open but no longer read, so the app's pools see no error and the process can exit.
   */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#transition.catch(() => {})
    // Not awaited to the end: a server's close completes only once its connections have, and these stay.
    for (const server of [this.#server, this.#socketServer?.server]) server?.close()
    // Client connections are left open, unserved and unref'd: a pool the app never ends (made at
    // import time) would see its connection end as an 'error', an uncaught exception without a
    // listener. Their input is still read, so a client that ends its side closes the connection.
    for (const socket of this.#sockets) {
      socket.removeAllListeners('data')
      socket.on('data', () => {})
      socket.unref()
    }
    await this.#phases.close()
    if (this.#socketServer !== null) rmSync(this.#socketServer.dir, { recursive: true, force: true })
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  // libpq's name for a server's socket: `.s.PGSQL.<port>` in the directory given as host.
  async #listenOnSocket(): Promise<void> {
    const dir = mkdtempSync(join(tmpdir(), 'testbed-endpoint-'))
    const server = createServer((socket) => void this.#accept(socket))
    const { port } = this.#server.address() as AddressInfo
    const path = join(dir, `.s.PGSQL.${port}`)
    await listenOn(server, { path })
    // postgres.js looks for the default port's name in a socket directory, whatever the URL's port.
    symlinkSync(path, join(dir, '.s.PGSQL.5432'))
    this.#socketServer = { server, dir }
  }

  #betweenTests(): { kind: 'shared'; url: string; test: false } | null {
    const url = this.#betweenTestsUrl
    return url === undefined ? null : { kind: 'shared', url, test: false }
  }

  #switch(plan: Parameters<PhaseSwitch['switchTo']>[0]): Promise<readonly RefusedStatement[]> {
    const next = this.#transition.catch(() => {}).then(() => this.#phases.switchTo(plan))
    this.#transition = next
    return next
  }

  async #accept(socket: Socket): Promise<void> {
    if (socket.remoteFamily !== undefined) socket.setNoDelay(true)
    this.#sockets.add(socket)
    socket.once('close', () => this.#sockets.delete(socket))
    const startup = await acceptClient(socket, { scram: this.#scram, onCancel: (key) => this.#cancel(key) })
    if (startup === null) return
    if (this.#phases.parameters === null && !(await this.#phases.waitForPhase(this.#options.idleTimeout))) {
      socket.end(errorResponse({ severity: 'FATAL', code: '57P03', ...noTestStartup(this.#options.idleTimeout) }))
      return
    }
    const serverParameters = this.#phases.parameters ?? new Map<string, string>()
    const client = new ClientSession(socket, {
      processId: this.#newProcessId(),
      secretKey: randomInt(2 ** 31),
      startup,
      serverParameters,
      era: () => this.#phases.era,
    })
    this.#clients.set(client.processId, client)
    greet(client, serverParameters, startup)
    await this.#drive(client)
  }

  /** Serves a client's units in order, each in the phase that is current when its turn comes. */
  async #drive(client: ClientSession): Promise<void> {
    for (;;) {
      const unit = await client.nextUnit()
      if (unit === null && client.closed) break
      if (unit === null) continue
      client.dispatching = true
      // The common case, one async step fewer: the phase that runs now serves the unit.
      const phase = this.#phases.current
      const served = phase !== null && !this.#phases.isStale(unit) && (await phase.serve(client, unit))
      if (!served) await this.#dispatch(client, unit)
      client.dispatching = false
    }
    this.#clients.delete(client.processId)
    this.#phases.current?.clientLeft(client)
  }

  async #dispatch(client: ClientSession, unit: ClientUnit): Promise<void> {
    for (;;) {
      if (this.#phases.isStale(unit)) return failUnit(client, unit, testEndedError(unitText(unit)), 'I')
      const phase = this.#phases.current
      if (phase !== null) {
        if (await phase.serve(client, unit)) return
        continue
      }
      const started = Date.now()
      if (!(await this.#phases.waitForPhase(this.#options.idleTimeout))) {
        return failUnit(client, unit, noTestError(unitText(unit), Date.now() - started), 'I')
      }
    }
  }

  #cancel({ processId, secretKey }: CancelKey): void {
    const client = this.#clients.get(processId)
    if (client?.secretKey === secretKey) client.requestCancel()
  }

  #deliver(from: ClientSession, channel: string, payload: string): void {
    for (const client of this.#clients.values()) {
      if (!client.channels.has(channel)) continue
      client.send(notificationResponse(from.processId, channel, payload))
      client.flush()
    }
  }

  /** A test's transaction or sessions ended: portals and open app transactions went with them. */
  #forgetTestState(): void {
    for (const client of this.#clients.values()) {
      client.portals.clear()
      client.portalValues.clear()
      client.settings.endTransaction(false)
    }
  }

  #newProcessId(): number {
    let processId = randomInt(1, 2 ** 31)
    while (this.#clients.has(processId)) processId = randomInt(1, 2 ** 31)
    return processId
  }
}

function noTestStartup(waited: number): { message: string } {
  return { message: noTestError('(connection startup)', waited).message }
}

function listenOn(server: Server, address: { port: number; host: string } | { path: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject).listen(address, () => resolve())
  })
}
