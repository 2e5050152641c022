import type { Socket } from 'node:net'
import type { BackendConnection } from '../backend/backend-connection.ts'
import type { MessageSink } from '../exchange/reply-router.ts'
import type { StatementSpec } from '../exchange/statement-spec.ts'
import { Frontend } from '../wire/frontend-messages.ts'
import { MessageReader } from '../wire/message-reader.ts'
import type { ClientUnit, OpenBatch } from './client-unit.ts'
import { SessionSettings } from './session-settings.ts'

const COPY_MESSAGES = new Set<number>([Frontend.CopyData, Frontend.CopyDone, Frontend.CopyFail])

/** Who a client is to the endpoint: the key it cancels with, and what it connected with. */
export interface ClientIdentity {
  readonly processId: number
  readonly secretKey: number
  readonly startup: Readonly<Record<string, string>>
  /** What a fresh server session reports: the settings a client gets without asking. */
  readonly serverParameters: ReadonlyMap<string, string>
  /** The endpoint's phase counter, stamped on each unit as it arrives. */
  readonly era: () => number
}

/**
 * One client connection to the endpoint, and everything PostgreSQL would keep per session for it:
 * its prepared statements and portals (under its own names), its settings, its LISTEN channels.
 * It cuts the client's traffic into units and hands them out in order.
 */
export class ClientSession implements MessageSink {
  readonly processId: number
  readonly secretKey: number
  readonly statements = new Map<string, StatementSpec>()
  readonly portals = new Map<string, StatementSpec>()
  /** The parameter values of portals whose statement the endpoint must read (`SELECT pg_notify($1, $2)`). */
  readonly portalValues = new Map<string, Array<string | null>>()
  readonly settings: SessionSettings
  readonly channels = new Set<string>()
  /** The extended-protocol batch in progress, when it spans units. */
  batch: OpenBatch | null = null
  /** The server session the client's statements run on right now (for CancelRequest, COPY). */
  active: BackendConnection | null = null
  /** True while a unit of the client's waits for its turn or runs. */
  dispatching = false
  #cancelRequested = false
  /** The server session in COPY FROM STDIN for this client: its CopyData goes straight there. */
  copyTarget: BackendConnection | null = null
  readonly #socket: Socket
  readonly #era: () => number
  readonly #reader = new MessageReader()
  readonly #units: ClientUnit[] = []
  #current: Buffer[] = []
  #waiting: ((unit: ClientUnit | null) => void) | null = null
  #out: Buffer[] = []
  /** Server messages queued as one run of a chunk, not yet cut from it. */
  #partData: Buffer | null = null
  #partStart = 0
  #partEnd = 0
  #flushScheduled = false
  #closed = false

  /**
   * A CancelRequest for this client: the statement running on the server is cancelled there; one
   * still waiting its turn behind other clients' (the endpoint runs one unit at a time) is answered
   * as cancelled when its turn comes, instead of the cancel being lost before it starts.
   */
  requestCancel(): void {
    if (this.active !== null) this.active.cancel()
    else if (this.dispatching) this.#cancelRequested = true
  }

  /** Whether a cancel came for the unit about to run; clears it. */
  takeCancelRequest(): boolean {
    const requested = this.#cancelRequested
    this.#cancelRequested = false
    return requested
  }

  constructor(socket: Socket, identity: ClientIdentity) {
    this.#socket = socket
    this.processId = identity.processId
    this.secretKey = identity.secretKey
    this.#era = identity.era
    this.settings = new SessionSettings(identity.startup, identity.serverParameters)
    socket.on('data', (chunk: Buffer) => this.#read(chunk))
    socket.once('close', () => this.#close())
    socket.on('error', () => this.#close())
  }

  get closed(): boolean {
    return this.#closed
  }

  /** A portal name of this client on a shared server session: its own, so clients never collide. */
  serverPortal(name: string): string {
    return name === '' ? '' : `testbed_c${this.processId}_${name}`
  }

  /** The next unit, once the client sent it; null once the client is gone. */
  nextUnit(): Promise<ClientUnit | null> {
    const unit = this.#units.shift()
    if (unit !== undefined) return Promise.resolve(unit)
    if (this.#closed) return Promise.resolve(null)
    return new Promise((resolve) => {
      this.#waiting = resolve
    })
  }

  /** Makes a pending `nextUnit()` resolve to null now, without closing anything: its waiter gives up. */
  interrupt(): void {
    this.#waiting?.(null)
    this.#waiting = null
  }

  /**
   * Queues a message for the client; it is written with the others at `flush()`, which whoever
   * serves the client's unit calls at its end, or soon after when no unit is being served.
   */
  send(message: Buffer): void {
    if (this.#closed) return
    this.#endPart()
    this.#out.push(message)
    this.#scheduleFlush()
  }

  /** Queues the message at `start` to `end` of `data`, joined to the one queued before when they are adjacent there. */
  sendPart(data: Buffer, start: number, end: number): void {
    if (this.#closed) return
    if (this.#partData === data && this.#partEnd === start) {
      this.#partEnd = end
      return
    }
    this.#endPart()
    this.#partData = data
    this.#partStart = start
    this.#partEnd = end
    this.#scheduleFlush()
  }

  /** Writes every queued message now, in one write. */
  flush(): void {
    this.#flushScheduled = false
    this.#endPart()
    if (this.#out.length === 0 || this.#closed) return
    const out = this.#out
    this.#out = []
    this.#socket.write(out.length === 1 ? (out[0] as Buffer) : Buffer.concat(out))
  }

  #scheduleFlush(): void {
    // An Immediate per query costs more than the rest of the send path (measured): only outside units.
    if (this.#flushScheduled || this.dispatching) return
    this.#flushScheduled = true
    setImmediate(() => this.flush())
  }

  #endPart(): void {
    if (this.#partData === null) return
    this.#out.push(this.#partData.subarray(this.#partStart, this.#partEnd))
    this.#partData = null
  }

  /** Sends what is queued, then closes the connection. */
  end(): void {
    this.flush()
    this.#socket.end()
  }

  #read(chunk: Buffer): void {
    for (const message of this.#reader.read(chunk)) {
      const code = message[0] as number
      if (COPY_MESSAGES.has(code)) this.copyTarget?.write([message])
      // After an extended-protocol COPY FROM STDIN the client's Sync ends the copy's batch.
      else if (code === Frontend.Sync && this.copyTarget !== null) this.copyTarget.write([message])
      else if (code === Frontend.Terminate) return void this.#socket.end()
      else this.#collect(code, message)
    }
  }

  #collect(code: number, message: Buffer): void {
    if (code === Frontend.Query || code === Frontend.FunctionCall) {
      if (this.#current.length > 0)
        this.#push({ kind: 'extended', messages: this.#current, end: 'flush', era: this.#era() })
      this.#current = []
      this.#push({ kind: 'query', message, era: this.#era() })
      return
    }
    this.#current.push(message)
    if (code !== Frontend.Sync && code !== Frontend.Flush) return
    const end = code === Frontend.Sync ? 'sync' : 'flush'
    this.#push({ kind: 'extended', messages: this.#current, end, era: this.#era() })
    this.#current = []
  }

  #push(unit: ClientUnit): void {
    const waiting = this.#waiting
    this.#waiting = null
    if (waiting !== null) waiting(unit)
    else this.#units.push(unit)
  }

  #close(): void {
    if (this.#closed) return
    this.#closed = true
    this.#waiting?.(null)
    this.#waiting = null
  }
}
