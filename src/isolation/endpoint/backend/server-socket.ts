import { connect as netConnect, type Socket } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import { serialize } from 'pg-protocol'
import { type ServerAddress, socketPath } from './local-socket.ts'

const SSL_REQUEST = serialize.requestSsl()
const READ_BUFFER_SIZE = 64 * 1024

/** Where a server socket's chunks go, one call per read. */
export interface ChunkReader {
  /**
   * Called with each chunk read. The chunk lives in the socket's read buffer, which the next read
   * overwrites: whatever is kept past the call must be copied.
   */
  onChunk: (chunk: Buffer) => void
}

/** A connected socket to the server, and where what it reads goes. */
export interface ServerSocket {
  readonly socket: Socket
  readonly reader: ChunkReader
}

/**
 * Connects to the server at `address`, through TLS if `ssl`. A plain socket reads into one buffer
 * of its own (net's `onread`): no stream, no buffer allocated per read, which the endpoint pays
 * for every reply of every query (measured, bench/endpoint-overhead.ts).
 */
export async function openServerSocket(address: ServerAddress, ssl: boolean): Promise<ServerSocket> {
  const reader: ChunkReader = { onChunk: () => {} }
  const socket = openPlainSocket(address, ssl ? undefined : reader)
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve).once('error', reject)
  })
  if (!ssl) return { socket, reader }
  const secure = await upgradeToTls(socket, address.host)
  secure.on('data', (chunk: Buffer) => reader.onChunk(chunk))
  return { socket: secure, reader }
}

/** A socket to the server at `address`, connecting; read through `reader` when given. */
export function openPlainSocket(address: ServerAddress, reader?: ChunkReader): Socket {
  const buffer = Buffer.allocUnsafe(reader === undefined ? 0 : READ_BUFFER_SIZE)
  const callback = (size: number) => {
    reader?.onChunk(buffer.subarray(0, size))
    return true
  }
  const onread = reader === undefined ? undefined : { buffer, callback }
  // pg's rule: a host that starts with `/` is the directory of the server's Unix socket.
  const socket = address.host.startsWith('/')
    ? netConnect({ path: socketPath(address), onread })
    : netConnect({ port: address.port, host: address.host, onread })
  socket.setNoDelay(true)
  return socket
}

/** SSLRequest, then TLS if the server agrees (a URL with `sslmode=require` or `ssl=true`). */
async function upgradeToTls(socket: Socket, host: string): Promise<Socket> {
  socket.write(SSL_REQUEST)
  const answer = await new Promise<Buffer>((resolve) => socket.once('data', resolve))
  if (answer.toString('latin1', 0, 1) !== 'S') throw new Error('the server refused SSL, which the URL asks for')
  const secure = tlsConnect({ socket, servername: host, rejectUnauthorized: false })
  await new Promise<void>((resolve, reject) => {
    secure.once('secureConnect', resolve).once('error', reject)
  })
  return secure
}
