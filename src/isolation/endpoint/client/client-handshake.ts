import type { Socket } from 'node:net'
import { type ClientParameters, closeSignal, PostgresConnection, type ScramSha256Data } from 'pg-gateway'

/** A CancelRequest: the key of the session whose running statement the client wants cancelled. */
export interface CancelKey {
  readonly processId: number
  readonly secretKey: number
}

export interface HandshakeOptions {
  /** The SCRAM-SHA-256 verifier of the endpoint's password (pg-gateway's `createScramSha256Data`). */
  readonly scram: ScramSha256Data
  /** Called for a CancelRequest, which arrives on a connection of its own instead of a startup. */
  readonly onCancel: (key: CancelKey) => void
}

const CANCEL_REQUEST = 80877102
const GSSENC_REQUEST = 80877104
const REFUSED = new Uint8Array([0x4e]) // 'N'

/**
 * Accepts a client connection up to the end of authentication, with pg-gateway: SSLRequest and
 * GSSENCRequest are refused (the client goes on in plain text, as with a server without SSL), the
 * password is checked with SCRAM-SHA-256. Resolves to the client's startup parameters once it is
 * authenticated, with the socket handed back (nothing more written: the endpoint sends the
 * parameter statuses and ReadyForQuery itself); resolves to null if the client went away, failed
 * to authenticate, or only sent a CancelRequest.
 */
export function acceptClient(socket: Socket, options: HandshakeOptions): Promise<ClientParameters | null> {
  return new Promise((resolve) => {
    const duplex = socketStreams(socket)
    const connection = new PostgresConnection(duplex.streams, {
      auth: { method: 'scram-sha-256', getScramSha256Data: () => options.scram },
      onMessage: (message, state) => (state.hasStarted ? undefined : beforeStartup(message, options)),
      onAuthenticated: async (state) => {
        await connection.detach()
        duplex.detach()
        resolve(state.clientParams ?? null)
      },
    })
    socket.once('close', () => resolve(null))
  })
}

/** Answers the requests a client may send instead of a StartupMessage; undefined lets pg-gateway go on. */
function beforeStartup(message: Uint8Array, options: HandshakeOptions): Iterable<Uint8Array> | undefined {
  if (message.byteLength < 8) return undefined
  const view = new DataView(message.buffer, message.byteOffset, message.byteLength)
  const code = view.getInt32(4)
  if (code === GSSENC_REQUEST) return [REFUSED]
  if (code !== CANCEL_REQUEST || message.byteLength !== 16) return undefined
  options.onCancel({ processId: view.getInt32(8), secretKey: view.getInt32(12) })
  // pg-gateway closes the connection when a response yields its closeSignal; its types omit that.
  return [closeSignal] as unknown as Iterable<Uint8Array>
}

/**
 * The socket as the web streams pg-gateway reads and writes, until `detach()`: from then on the
 * socket's data goes to whoever listens next, and nothing is left behind in a stream.
 */
function socketStreams(socket: Socket): {
  streams: { readable: ReadableStream<Uint8Array>; writable: WritableStream<Uint8Array> }
  detach(): void
} {
  let controller: ReadableStreamDefaultController<Uint8Array> | null = null
  const onData = (chunk: Buffer) => controller?.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length))
  const onEnd = () => {
    try {
      controller?.close()
    } catch {
      // Already closed.
    }
    controller = null
  }
  socket.on('data', onData).once('end', onEnd).once('close', onEnd)
  const readable = new ReadableStream<Uint8Array>({
    start: (start) => {
      controller = start
    },
  })
  const writable = new WritableStream<Uint8Array>({
    write: (chunk) => void socket.write(chunk),
    close: () => void socket.end(),
    abort: () => void socket.destroy(),
  })
  return {
    streams: { readable, writable },
    detach: () => {
      socket.off('data', onData).off('end', onEnd).off('close', onEnd)
      controller = null
    },
  }
}
