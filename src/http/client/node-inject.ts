// Calls a node:http request listener with real IncomingMessage / ServerResponse objects on a socket
// that exists only in memory: Node's own code frames the response, and nothing listens on a port.
// Own-property state only, so frameworks that swap prototypes (Express) keep working.
import { EventEmitter } from 'node:events'
import { IncomingMessage, ServerResponse } from 'node:http'
import type { ReceivedResponse, SentRequest } from './app-dispatch.ts'

export type NodeListener = (req: IncomingMessage, res: ServerResponse) => unknown

const HEADER_END = Buffer.from('\r\n\r\n')
/** Headers about a connection that does not exist here; dropped from responses. */
const CONNECTION_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding'])

/** Sends `request` to `listener` and resolves with the response once it has ended. */
export function injectIntoListener(
  listener: NodeListener,
  request: SentRequest,
  origin: URL,
): Promise<ReceivedResponse> {
  return new Promise((resolve, reject) => {
    const socket = new MemorySocket(origin.protocol === 'https:')
    const req = incomingMessage(socket, request, origin)
    const res = new ServerResponse(req)
    // Without chunked framing by default the written bytes are the body itself.
    res.useChunkedEncodingByDefault = false
    res.assignSocket(socket as never)
    res.once('finish', () => {
      try {
        resolve(parseResponse(Buffer.concat(socket.written), request.method))
      } catch (error) {
        reject(error)
      } finally {
        // A real server emits these once the exchange is over; some frameworks wait for them.
        process.nextTick(() => res.emit('close'))
      }
    })
    try {
      const result = listener(req, res)
      if (result instanceof Promise) result.catch(reject)
    } catch (error) {
      reject(error)
    }
  })
}

function incomingMessage(socket: MemorySocket, request: SentRequest, origin: URL): IncomingMessage {
  const req = new IncomingMessage(socket as never)
  req.method = request.method
  req.url = request.path
  req.httpVersion = '1.1'
  req.httpVersionMajor = 1
  req.httpVersionMinor = 1
  const headers: Record<string, string> = { host: origin.host }
  request.headers.forEach((value, name) => {
    headers[name] = value
  })
  if (request.body !== undefined && headers['content-length'] === undefined) {
    headers['content-length'] = String(request.body.byteLength)
  }
  req.headers = headers
  req.rawHeaders = Object.entries(headers).flat()
  if (request.body !== undefined && request.body.byteLength > 0) req.push(Buffer.from(request.body))
  req.push(null)
  req.complete = true
  return req
}

/** Just enough of a net.Socket for node:http and the frameworks on it; it keeps what is written. */
class MemorySocket extends EventEmitter {
  readonly written: Buffer[] = []
  readonly encrypted: boolean
  readonly remoteAddress = '127.0.0.1'
  readonly remotePort = 0
  readonly remoteFamily = 'IPv4'
  /** on-finished (Express, body-parser) takes a request whose socket is not readable as already read. */
  readonly readable = true
  writable = true
  destroyed = false
  _httpMessage: unknown = null
  readonly _writableState = { corked: 0, length: 0 }

  constructor(encrypted: boolean) {
    super()
    this.encrypted = encrypted
  }

  write(chunk: string | Uint8Array, encoding?: BufferEncoding | (() => void), callback?: () => void): boolean {
    const done = typeof encoding === 'function' ? encoding : callback
    this.written.push(
      typeof chunk === 'string'
        ? Buffer.from(chunk, typeof encoding === 'string' ? encoding : 'utf8')
        : Buffer.from(chunk),
    )
    if (typeof done === 'function') process.nextTick(done)
    return true
  }

  end(): this {
    this.writable = false
    return this
  }

  destroy(): this {
    this.destroyed = true
    this.writable = false
    return this
  }

  address() {
    return { address: '127.0.0.1', family: 'IPv4', port: 0 }
  }

  /** IncomingMessage resumes its socket to read; the body is already pushed. */
  resume(): this {
    return this
  }
  pause(): this {
    return this
  }
  cork(): void {}
  uncork(): void {}
  setTimeout(): this {
    return this
  }
  setNoDelay(): this {
    return this
  }
  setKeepAlive(): this {
    return this
  }
  ref(): this {
    return this
  }
  unref(): this {
    return this
  }
}

/** Splits what Node wrote into the status line, the headers and the body. */
function parseResponse(bytes: Buffer, method: string): ReceivedResponse {
  const end = bytes.indexOf(HEADER_END)
  const head = bytes.subarray(0, end === -1 ? bytes.length : end).toString('latin1')
  const [statusLine = '', ...lines] = head.split('\r\n')
  const [, code = '0', statusText = ''] = /^HTTP\/1\.1 (\d{3}) ?(.*)$/.exec(statusLine) ?? []
  const headers = new Headers()
  let chunked = false
  for (const line of lines) {
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    const name = line.slice(0, colon).trim().toLowerCase()
    const value = line.slice(colon + 1).trim()
    if (name === 'transfer-encoding') chunked = value.toLowerCase().includes('chunked')
    if (!CONNECTION_HEADERS.has(name)) headers.append(name, value)
  }
  const raw = method === 'HEAD' || end === -1 ? new Uint8Array() : bytes.subarray(end + HEADER_END.length)
  return { status: Number(code), statusText, headers, body: chunked ? decodeChunked(raw) : new Uint8Array(raw) }
}

/** The body of a response whose app set `Transfer-Encoding: chunked` itself. */
function decodeChunked(bytes: Uint8Array): Uint8Array {
  const buffer = Buffer.from(bytes)
  const parts: Buffer[] = []
  let offset = 0
  while (offset < buffer.length) {
    const lineEnd = buffer.indexOf('\r\n', offset)
    const size = Number.parseInt(buffer.subarray(offset, lineEnd).toString('latin1'), 16)
    if (!(size > 0)) break
    parts.push(buffer.subarray(lineEnd + 2, lineEnd + 2 + size))
    offset = lineEnd + 2 + size + 2
  }
  return new Uint8Array(Buffer.concat(parts))
}
