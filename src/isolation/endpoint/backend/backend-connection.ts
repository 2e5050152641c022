import { connect as netConnect, type Socket } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import { parse as parseUrl } from 'pg-connection-string'
import { serialize } from 'pg-protocol'
import { decodeBackendMessage, type TransactionStatus } from '../wire/backend-messages.ts'
import { writeQuery } from '../wire/frontend-messages.ts'
import { MessageReader, type MessageVisitor } from '../wire/message-reader.ts'
import { AppliedSettings } from './applied-settings.ts'
import { type Credentials, type SessionStart, startSessionOn } from './backend-handshake.ts'
import { firstRow, forgetLocalSocket, localSocketOf, type ServerAddress, socketPath } from './local-socket.ts'
import { ServerStatements } from './server-statements.ts'
import { SocketInbox } from './socket-inbox.ts'

const TERMINATE = serialize.end()
const SSL_REQUEST = serialize.requestSsl()

/**
 * One real session on the PostgreSQL server, spoken to in raw protocol messages: what the endpoint
 * multiplexes its clients onto. Messages the server sends go to `receiver`, which whoever is
 * talking to the server at the moment replaces.
 */
export class BackendConnection {
  readonly url: string
  readonly processId: number
  readonly secretKey: number
  /** The server's ParameterStatus values at startup: what a fresh session starts with. */
  readonly parameters: ReadonlyMap<string, string>
  /** The prepared statements this session holds, by content. */
  readonly statements = new ServerStatements()
  /** The settings the endpoint's clients gave this session. */
  readonly settings = new AppliedSettings()
  /** The transaction status of the last ReadyForQuery. */
  status: TransactionStatus = 'I'
  /** Called for each message from the server, with where it lies in the chunk read. */
  receiver: MessageVisitor = () => {}
  /** Called after the messages of each chunk read from the server went to `receiver`. */
  afterChunk: () => void = () => {}
  readonly #socket: Socket
  readonly #address: ServerAddress
  readonly #lostListeners = new Set<(error: Error) => void>()
  #lost: Error | null = null

  private constructor(url: string, socket: Socket, start: SessionStart, address: ServerAddress) {
    this.url = url
    this.#socket = socket
    this.processId = start.processId
    this.secretKey = start.secretKey
    this.parameters = start.parameters
    this.#address = address
    const reader = new MessageReader()
    socket.on('data', (chunk: Buffer) => {
      reader.scan(chunk, this.receiver)
      this.afterChunk()
    })
    socket.once('close', () => this.#lose(new Error('the connection to PostgreSQL closed')))
    socket.on('error', (error) => this.#lose(error))
  }

  /**
   * Connects to `url` and runs the session startup; rejects with the server's or the socket's
   * error. With `preferSocket`, a server on loopback TCP is reached through its Unix socket when
   * it has one we may use (local-socket.ts).
   */
  static async open(url: string, { preferSocket = false } = {}): Promise<BackendConnection> {
    const options = parseUrl(url)
    const tcp = { host: options.host ?? 'localhost', port: Number(options.port ?? 5432) }
    const credentials: Credentials = {
      user: options.user ?? process.env.USER ?? 'postgres',
      password: options.password,
      database: options.database ?? options.user ?? 'postgres',
    }
    const ssl = Boolean(options.ssl)
    const local =
      ssl || !preferSocket
        ? null
        : await localSocketOf(tcp, credentials.user, (address, query) => probe(address, credentials, query))
    if (local !== null) {
      const connection = await BackendConnection.#openOn(url, local, credentials, false).catch(() => null)
      if (connection !== null) return connection
      forgetLocalSocket(tcp, credentials.user)
    }
    return BackendConnection.#openOn(url, tcp, credentials, ssl)
  }

  static async #openOn(url: string, address: ServerAddress, credentials: Credentials, ssl: boolean) {
    const { socket, start, inbox } = await startOn(address, credentials, ssl)
    inbox.dispose()
    return new BackendConnection(url, socket, start, address)
  }

  /** The error the connection was lost with, once it is lost. */
  get lost(): Error | null {
    return this.#lost
  }

  /** Sends `messages` in one write. */
  write(messages: readonly Buffer[]): void {
    if (this.#lost !== null) return
    this.#socket.write(messages.length === 1 ? (messages[0] as Buffer) : Buffer.concat(messages))
  }

  /** Calls `listener` once if the connection is lost; returns a function that stops listening. */
  onLost(listener: (error: Error) => void): () => void {
    this.#lostListeners.add(listener)
    return () => this.#lostListeners.delete(listener)
  }

  /** Asks the server, through a connection of its own, to cancel what this session runs now. */
  cancel(): void {
    const socket = openPlainSocket(this.#address)
    socket.on('error', () => {})
    socket.end(serialize.cancel(this.processId, this.secretKey))
  }

  /** Ends the session politely: the server rolls back whatever transaction it has open. */
  async close(): Promise<void> {
    if (this.#lost !== null) return
    const closed = new Promise((resolve) => this.#socket.once('close', resolve))
    this.#socket.end(TERMINATE)
    await closed
  }

  #lose(error: Error): void {
    if (this.#lost !== null) return
    this.#lost = error
    this.#socket.destroy()
    for (const listener of this.#lostListeners) listener(error)
    this.#lostListeners.clear()
  }
}

/** A session started on `address`, its socket still read through `inbox`. */
async function startOn(
  address: ServerAddress,
  credentials: Credentials,
  ssl: boolean,
): Promise<{ socket: Socket; start: SessionStart; inbox: SocketInbox }> {
  const socket = await openSocket(address, ssl)
  const inbox = new SocketInbox(socket)
  try {
    return { socket, start: await startSessionOn(inbox, credentials), inbox }
  } catch (error) {
    inbox.dispose()
    socket.destroy()
    throw error
  }
}

/** Opens a session on `address` only to read one row of `query`, then ends it. */
async function probe(address: ServerAddress, credentials: Credentials, query: string) {
  const { socket, inbox } = await startOn(address, credentials, false)
  try {
    return await firstRow(inbox, writeQuery(query), decodeBackendMessage)
  } finally {
    inbox.dispose()
    socket.end(TERMINATE)
  }
}

function openPlainSocket(address: ServerAddress): Socket {
  // pg's rule: a host that starts with `/` is the directory of the server's Unix socket.
  const socket = address.host.startsWith('/') ? netConnect(socketPath(address)) : netConnect(address.port, address.host)
  socket.setNoDelay(true)
  return socket
}

async function openSocket(address: ServerAddress, ssl: boolean): Promise<Socket> {
  const socket = openPlainSocket(address)
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve).once('error', reject)
  })
  if (!ssl) return socket
  return upgradeToTls(socket, address.host)
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
