import { Backend, readStatus, type TransactionStatus } from '../wire/backend-messages.ts'

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
  /** Called with the message that completed it. */
  readonly onDone?: (last: Buffer) => void
  /** Called when the server refused it, or skipped it after an earlier error (so it never took effect). */
  readonly onFail?: () => void
}

interface Pending {
  readonly expectation: Expectation
  remaining: number
}

/** Where forwarded replies go: a client connection, which writes what it was sent at `flush()`. */
export interface MessageSink {
  send(message: Buffer): void
  flush(): void
}

/** The server session as the router sees it: where it receives, how it fails, the status it reports. */
export interface RoutedBackend {
  receiver: (message: Buffer) => void
  afterChunk: () => void
  status: TransactionStatus
  readonly lost: Error | null
  onLost(listener: (error: Error) => void): unknown
}

const ASYNC = new Set<number>([Backend.NoticeMessage, Backend.ParameterStatus, Backend.NotificationResponse])
const EXECUTE_ENDS = new Set<number>([Backend.CommandComplete, Backend.EmptyQuery, Backend.PortalSuspended])
const drop = () => {}
const NOWHERE: MessageSink = { send: drop, flush: drop }

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
  readonly #queue: Pending[] = []
  #error: Buffer | null = null
  #settled: { resolve: (error: Buffer | null) => void; reject: (error: Error) => void } | null = null

  constructor(backend: RoutedBackend) {
    this.#backend = backend
    backend.receiver = (message) => this.accept(message)
    backend.afterChunk = () => this.#afterChunk()
    backend.onLost((error) => this.#abort(error))
  }

  /** Queues what the next message sent to the server will produce. */
  expect(expectation: Expectation): void {
    this.#queue.push({ expectation, remaining: typeof expectation.until === 'number' ? expectation.until : 0 })
    if (this.#queue.length === 1) this.#emitSynthetic()
  }

  /**
   * Resolves once every queued expectation is done, with the first ErrorResponse the server sent
   * since the last call (or null); rejects if the connection is lost.
   */
  settled(): Promise<Buffer | null> {
    if (this.#queue.length === 0) return Promise.resolve(this.#takeError())
    const lost = this.#backend.lost
    if (lost !== null) return Promise.reject(lost)
    return new Promise((resolve, reject) => {
      this.#settled = { resolve, reject }
    })
  }

  /** One message from the server. */
  accept(message: Buffer): void {
    const code = message[0] as number
    const head = this.#queue[0]
    if (head === undefined) this.idleSink.send(message)
    else if (code === Backend.ErrorMessage) this.#fail(head, message)
    else if (code === Backend.ReadyForQuery) this.#ready(message)
    else this.#reply(head, code, message)
  }

  #reply(head: Pending, code: number, message: Buffer): void {
    if (head.expectation.forward === 'all' && code !== head.expectation.drop) this.sink.send(message)
    if (code === Backend.CopyIn) this.onCopyIn()
    if (ASYNC.has(code) || !counts(code)) return
    if (this.#completes(head, code)) this.#done(message)
  }

  #completes(head: Pending, code: number): boolean {
    const { until } = head.expectation
    if (until === 'ready') return false
    if (until === 'execute') return EXECUTE_ENDS.has(code)
    head.remaining--
    return head.remaining === 0
  }

  #fail(head: Pending, error: Buffer): void {
    if (head.expectation.forward !== 'none') this.sink.send(this.translateError(error))
    this.#error ??= error
    // The server skips every message up to the next Sync; the Sync's ReadyForQuery still comes.
    while (this.#queue[0] !== undefined && this.#queue[0].expectation.until !== 'ready') {
      this.#queue.shift()?.expectation.onFail?.()
    }
    if (this.#queue.length === 0) this.#settle()
  }

  #ready(message: Buffer): void {
    this.#backend.status = readStatus(message)
    this.#done(message)
  }

  #done(last: Buffer): void {
    this.#queue.shift()?.expectation.onDone?.(last)
    this.#emitSynthetic()
    if (this.#queue.length === 0) this.#settle()
  }

  /**
   * A chunk from the server was routed. Replies of an exchange still under way are written now
   * (a COPY's data, a Flush's answers); those of one that just ended are written by whoever ends
   * it, together with its ReadyForQuery, in one write.
   */
  #afterChunk(): void {
    if (this.#queue.length > 0) this.sink.flush()
    this.idleSink.flush()
  }

  #settle(): void {
    const settled = this.#settled
    if (settled === null) return
    this.#settled = null
    settled.resolve(this.#takeError())
  }

  #emitSynthetic(): void {
    let head = this.#queue[0]
    while (head?.expectation.synthetic !== undefined) {
      for (const message of head.expectation.synthetic) this.sink.send(message)
      this.#queue.shift()
      head = this.#queue[0]
    }
  }

  #takeError(): Buffer | null {
    const error = this.#error
    this.#error = null
    return error
  }

  #abort(error: Error): void {
    for (const pending of this.#queue.splice(0)) pending.expectation.onFail?.()
    this.#settled?.reject(error)
    this.#settled = null
  }
}

// CopyData, CopyDone and the copy responses belong to the Execute or Query that started the copy.
function counts(code: number): boolean {
  return code !== Backend.CopyData && code !== Backend.CopyDone && code !== Backend.CopyIn && code !== Backend.CopyOut
}
