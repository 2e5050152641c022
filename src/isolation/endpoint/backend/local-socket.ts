import { join } from 'node:path'
import type { HandshakeChannel } from './backend-handshake.ts'

/** Where a server session connects: a TCP address, or (host starting with `/`) a Unix socket directory. */
export interface ServerAddress {
  readonly host: string
  readonly port: number
}

/** Opens a session on `address`, runs `query` in it (a simple Query) and resolves to its first row; then closes it. */
export type ProbeSession = (address: ServerAddress, query: string) => Promise<ReadonlyArray<string | null>>

// A server's own socket and its TCP port answer alike only if the start time matches: the same postmaster.
const PROBE = `SELECT pg_postmaster_start_time()::text, current_setting('unix_socket_directories')`
const IDENTITY = 'SELECT pg_postmaster_start_time()::text'
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]'])
const found = new Map<string, Promise<ServerAddress | null>>()

/**
 * The Unix socket of a PostgreSQL reached over loopback TCP at `tcp`, if it has one this process
 * may use, found once per server and role and remembered. A round trip through a Unix socket costs about
 * half what one through loopback TCP does (bench/endpoint-overhead.ts), and the endpoint makes one
 * to the server for every query of the app. Null (keep TCP) when the server is not local, the
 * role may not read `unix_socket_directories`, the socket refuses us (pg_hba, permissions), or
 * the socket is another server's.
 */
export function localSocketOf(tcp: ServerAddress, user: string, probe: ProbeSession): Promise<ServerAddress | null> {
  if (!LOOPBACK.has(tcp.host)) return Promise.resolve(null)
  const key = `${user}@${tcp.host}:${tcp.port}`
  let socket = found.get(key)
  if (socket === undefined) {
    socket = findSocket(tcp, probe).catch(() => null)
    found.set(key, socket)
  }
  return socket
}

/** The socket failed after all for `user`: the server's TCP address is used from now on. */
export function forgetLocalSocket(tcp: ServerAddress, user: string): void {
  found.set(`${user}@${tcp.host}:${tcp.port}`, Promise.resolve(null))
}

async function findSocket(tcp: ServerAddress, probe: ProbeSession): Promise<ServerAddress | null> {
  const [started, directories] = await probe(tcp, PROBE)
  for (const dir of (directories ?? '').split(',').map((entry) => entry.trim())) {
    // An abstract-namespace socket (`@name`) has no directory to connect through.
    if (!dir.startsWith('/')) continue
    const address = { host: dir, port: tcp.port }
    const [identity] = await probe(address, IDENTITY).catch(() => [null])
    if (identity === started) return address
  }
  return null
}

/** The path of a server's socket in `address.host`, libpq's name for it. */
export function socketPath({ host, port }: ServerAddress): string {
  return join(host, `.s.PGSQL.${port}`)
}

/** Runs a simple Query on a session just started through `channel`; resolves to its first row's values. */
export async function firstRow(
  channel: HandshakeChannel,
  query: Buffer,
  decode: (raw: Buffer) => { name: string; fields?: unknown[] },
): Promise<Array<string | null>> {
  channel.send(query)
  let row: Array<string | null> = []
  for (;;) {
    const message = decode(await channel.next())
    if (message.name === 'error') throw message
    if (message.name === 'dataRow') row = (message.fields ?? []) as Array<string | null>
    if (message.name === 'readyForQuery') return row
  }
}
