import type { Socket } from 'node:net'
import { MessageReader } from '../wire/message-reader.ts'
import type { HandshakeChannel } from './backend-handshake.ts'

/**
 * A socket read one whole message at a time, for the startup exchange before the connection
 * hands its socket to the message router. `dispose()` detaches it.
 */
export class SocketInbox implements HandshakeChannel {
  readonly #socket: Socket
  readonly #reader = new MessageReader()
  readonly #arrived: Buffer[] = []
  #waiting: { resolve: (message: Buffer) => void; reject: (error: Error) => void } | null = null
  #failure: Error | null = null
  readonly #onData = (chunk: Buffer) => {
    this.#arrived.push(...this.#reader.read(chunk))
    this.#deliver()
  }
  readonly #onEnd = (error?: Error) => {
    this.#failure = error ?? new Error('the server closed the connection during startup')
    this.#waiting?.reject(this.#failure)
    this.#waiting = null
  }
  readonly #onClose = () => this.#onEnd()

  constructor(socket: Socket) {
    this.#socket = socket
    socket.on('data', this.#onData).on('close', this.#onClose).on('error', this.#onEnd)
  }

  send(message: Buffer): void {
    this.#socket.write(message)
  }

  next(): Promise<Buffer> {
    const message = this.#arrived.shift()
    if (message !== undefined) return Promise.resolve(message)
    if (this.#failure !== null) return Promise.reject(this.#failure)
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject }
    })
  }

  dispose(): void {
    this.#socket.off('data', this.#onData).off('close', this.#onClose).off('error', this.#onEnd)
  }

  #deliver(): void {
    if (this.#waiting === null) return
    const message = this.#arrived.shift()
    if (message === undefined) return
    this.#waiting.resolve(message)
    this.#waiting = null
  }
}
