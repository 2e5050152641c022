import { connect } from 'node:net'
import { serialize } from 'pg-protocol'
import { BackendConnection } from '../../src/isolation/endpoint/backend/backend-connection.ts'
import { decodeBackendMessage } from '../../src/isolation/endpoint/wire/backend-messages.ts'

/** A decoded server message, as pg-protocol's parser names and shapes it. */
export type Reply = { name: string } & Record<string, unknown>

/**
 * A client that speaks raw protocol messages to a server (the endpoint), to test what drivers
 * send without a driver in the way: pipelined batches, named statements, row-limited Executes.
 * Startup and authentication are the endpoint's own server-side code (SCRAM included).
 */
export class RawProtocolClient {
  readonly #connection: BackendConnection
  readonly #replies: Reply[] = []
  #wake: (() => void) | null = null

  private constructor(connection: BackendConnection) {
    this.#connection = connection
    connection.receiver = (data, start, end) => {
      this.#replies.push(decodeBackendMessage(data.subarray(start, end)) as unknown as Reply)
      this.#wake?.()
    }
  }

  static async connect(url: string): Promise<RawProtocolClient> {
    return new RawProtocolClient(await BackendConnection.open(url))
  }

  get processId(): number {
    return this.#connection.processId
  }

  get secretKey(): number {
    return this.#connection.secretKey
  }

  /** Sends `messages` in one write, and resolves to every reply up to the `readyCount`-th ReadyForQuery. */
  async send(messages: Buffer[], readyCount = 1): Promise<Reply[]> {
    this.#connection.write(messages)
    return this.until((replies) => replies.filter((reply) => reply.name === 'readyForQuery').length >= readyCount)
  }

  /** Resolves to the replies received so far once `done` holds for them, and forgets them. */
  async until(done: (replies: Reply[]) => boolean): Promise<Reply[]> {
    while (!done(this.#replies)) {
      await new Promise<void>((resolve) => {
        this.#wake = resolve
      })
    }
    return this.#replies.splice(0)
  }

  close(): Promise<void> {
    return this.#connection.close()
  }
}

/** Parse + Bind + Execute of `text` with text parameters, and a Sync: one pg-style query. */
export function extendedQuery(text: string, values: string[] = [], statement = ''): Buffer[] {
  return [
    serialize.parse({ name: statement, text }),
    serialize.bind({ statement, values }),
    serialize.describe({ type: 'P', name: '' }),
    serialize.execute({}),
    serialize.sync(),
  ]
}

/** What a client sends on a connection of its own to cancel another's running statement. */
export async function sendCancelRequest(port: number, processId: number, secretKey: number): Promise<void> {
  const socket = connect(port, '127.0.0.1')
  await new Promise((resolve) => socket.once('connect', resolve))
  socket.end(serialize.cancel(processId, secretKey))
  await new Promise((resolve) => socket.once('close', resolve))
}

/** The names of the replies, to compare a whole exchange at a glance. */
export function names(replies: Reply[]): string[] {
  return replies.map((reply) => reply.name)
}
