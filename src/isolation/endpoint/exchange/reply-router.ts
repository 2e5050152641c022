import { Backend, readStatus, type TransactionStatus } from '../wire/backend-messages.ts'
import type { MessageVisitor } from '../wire/message-reader.ts'

/**
 * What the endpoint awaits from the server for one message it sent, or what it answers itself
 * in the server's place at that point of the reply stream.
 */
export interface Expectation {
  /**
   * When it is done: after this many replies, after an Execute's end (CommandComplete,
   * EmptyQueryResponse, PortalSuspended), or at ReadyForQuery (a Sync or a simple Query).
   */
  readonly until: number | 'execute' | 'ready'
  /**
   * Which of its replies go to the client: `all`, only an ErrorResponse (`errors`: a message the
   * endpoint added for the client, such as a Parse it needs again), or `none` (the endpoint's own
   * statements). ReadyForQuery never does: the endpoint writes its own.
   */
  readonly forward: 'all' | 'errors' | 'none'
  /** A reply code the client does not get even when replies are forwarded (NoData of an added Describe). */
  readonly drop?: number
  /** Replies the endpoint makes itself, written to the client when this expectation's turn comes. */
  readonly synthetic?: readonly Buffer[]
  /** Called once it is done (not when it failed). */
  readonly onDone?: () => void
  /** Called when the server refused it, or skipped it after an earlier error (so it never took effect). */
  readonly onFail?: () => void
}

/** An expectation being served: its fields copied into one shape, so the router's reads stay monomorphic. */
class Pending {
  readonly until: Expectation['until']
  readonly forward: Expectation['forward']
  readonly drop: number
  readonly synthetic: readonly Buffer[] | undefined
  readonly onDone: (() => void) | undefined
  readonly onFail: (() => void) | undefined
  remaining: number

  constructor({ until, forward, drop = -1, synthetic, onDone, onFail }: Expectation) {
    this.until = until
    this.forward = forward
    this.drop = drop
    this.synthetic = synthetic
    this.onDone = onDone
    this.onFail = onFail
    this.remaining = typeof until === 'number' ? until : 0
  }
}

/**
 * Where forwarded replies go: a client connection, which writes what it was sent at `flush()`.
 * `sendPart` passes on a message as it lies in a chunk read from the server.
 */
export interface MessageSink {
  send(message: Buffer): void
  sendPart(data: Buffer, start: number, end: number): void
  flush(): void
}

/** The server session as the router sees it: where it receives, how it fails, the status it reports. */
export interface RoutedBackend {
  receiver: MessageVisitor
  afterChunk: () => void
  status: TransactionStatus
  readonly lost: Error | null
  onLost(listener: (error: Error) => void): unknown
}

const drop = () => {}
const NOWHERE: MessageSink = { send: drop, sendPart: drop, flush: drop }

/**
 * Routes the server's replies: each goes to the client or is swallowed, according to the
 * expectation at the head of the queue, in the order the messages were sent. After an
 * ErrorResponse the server skips everything until the next Sync, and so does the router.
 */
export class ReplyRouter {
  /** Where forwarded replies go: the client whose statements run now. */
  sink: MessageSink = NOWHERE
  /** Where messages go that arrive with nothing expected (a notification to an idle session). */
  idleSink: MessageSink = NOWHERE
  /** Rewrites an ErrorResponse before it is forwarded. */
  translateError: (error: Buffer) => Buffer = (error) => error
  /** Called when the server starts COPY FROM STDIN: the client's CopyData must now reach it. */
  onCopyIn: () => void = drop
  readonly #backend: RoutedBackend
  // A queue read from `#first` on: Array#shift per reply was a measurable part of routing.
  #queue: Pending[] = []
  #first = 0
  #error: Buffer | null = null
  #settled: { resolve: (error: Buffer | null) => void; reject: (error: Error) => void } | null = null

  constructor(backend: RoutedBackend) {
    this.#backend = backend
    backend.receiver = (data, start, end) => this.accept(data, start, end)
    backend.afterChunk = () => this.#afterChunk()
    backend.onLost((error) => this.#abort(error))
  }

  /** Queues what the next message sent to the server will produce. */
  expect(expectation: Expectation): void {
    this.#queue.push(new Pending(expectation))
    if (this.#queue.length - this.#first === 1) this.#emitSynthetic()
  }

  /**
   * Resolves once every queued expectation is done, with the first ErrorResponse the server sent
   * since the last call (or null); rejects if the connection is lost.
   */
  settled(): Promise<Buffer | null> {
    if (this.#head() === undefined) return Promise.resolve(this.#takeError())
    const lost = this.#backend.lost
    if (lost !== null) return Promise.reject(lost)
    return new Promise((resolve, reject) => {
      this.#settled = { resolve, reject }
    })
  }

  /** One message from the server: `data` from `start` to `end`. */
  accept(data: Buffer, start: number, end: number): void {
    const code = data[start] as number
    const head = this.#head()
    if (head === undefined) this.idleSink.sendPart(data, start, end)
    else if (code === Backend.ErrorMessage) this.#fail(head, data.subarray(start, end))
    else if (code === Backend.ReadyForQuery) this.#ready(readStatus(data, start))
    else this.#reply(head, code, data, start, end)
  }

  #head(): Pending | undefined {
    return this.#queue[this.#first]
  }

  #shift(): Pending | undefined {
    const head = this.#queue[this.#first]
    if (head === undefined) return undefined
    this.#first++
    if (this.#first === this.#queue.length) {
      this.#queue = []
      this.#first = 0
    }
    return head
  }

  #reply(head: Pending, code: number, data: Buffer, start: number, end: number): void {
    if (head.forward === 'all' && code !== head.drop) this.sink.sendPart(data, start, end)
    if (code === Backend.CopyIn) this.onCopyIn()
    if (isAsync(code) || !counts(code)) return
    if (this.#completes(head, code)) this.#done()
  }

  #completes(head: Pending, code: number): boolean {
    const { until } = head
    if (until === 'ready') return false
    if (until === 'execute') return endsExecute(code)
    head.remaining--
    return head.remaining === 0
  }

  #fail(head: Pending, error: Buffer): void {
    if (head.forward !== 'none') this.sink.send(this.translateError(error))
    this.#error ??= error
    // The server skips every message up to the next Sync; the Sync's ReadyForQuery still comes.
    for (let next = this.#head(); next !== undefined && next.until !== 'ready'; next = this.#head()) {
      this.#shift()
      next.onFail?.()
    }
    if (this.#head() === undefined) this.#settle()
  }

  #ready(status: TransactionStatus): void {
    this.#backend.status = status
    this.#done()
  }

  #done(): void {
    this.#shift()?.onDone?.()
    this.#emitSynthetic()
    if (this.#head() === undefined) this.#settle()
  }

  /**
   * A chunk from the server was routed. Replies of an exchange still under way are written now
   * (a COPY's data, a Flush's answers); those of one that just ended are written by whoever ends
   * it, together with its ReadyForQuery, in one write.
   */
  #afterChunk(): void {
    if (this.#head() !== undefined) this.sink.flush()
    this.idleSink.flush()
  }

  #settle(): void {
    const settled = this.#settled
    if (settled === null) return
    this.#settled = null
    settled.resolve(this.#takeError())
  }

  #emitSynthetic(): void {
    for (let head = this.#head(); head?.synthetic !== undefined; head = this.#head()) {
      for (const message of head.synthetic) this.sink.send(message)
      this.#shift()
    }
  }

  #takeError(): Buffer | null {
    const error = this.#error
    this.#error = null
    return error
  }

  #abort(error: Error): void {
    for (let pending = this.#shift(); pending !== undefined; pending = this.#shift()) pending.onFail?.()
    this.#settled?.reject(error)
    this.#settled = null
  }
}

// Notices, parameter statuses and notifications may come at any time, and answer nothing.
function isAsync(code: number): boolean {
  return code === Backend.NoticeMessage || code === Backend.ParameterStatus || code === Backend.NotificationResponse
}

function endsExecute(code: number): boolean {
  return code === Backend.CommandComplete || code === Backend.EmptyQuery || code === Backend.PortalSuspended
}

// CopyData, CopyDone and the copy responses belong to the Execute or Query that started the copy.
function counts(code: number): boolean {
  return code !== Backend.CopyData && code !== Backend.CopyDone && code !== Backend.CopyIn && code !== Backend.CopyOut
}
