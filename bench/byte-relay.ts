// Bare byte relays between a client and PostgreSQL, doing no protocol work: the floor any proxy
// pays for its second hop, against which bench/endpoint-overhead.ts measures the wire endpoint.
import { mkdtempSync, rmSync } from 'node:fs'
import { type AddressInfo, connect, createServer, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'

/** Where a relay listens or connects: a loopback port, or a Unix socket path. */
export type RelayAddress = { readonly port: number; readonly host: string } | { readonly path: string }

/** A running relay: the address clients connect to, and how to stop it. */
export interface Relay {
  readonly listening: RelayAddress
  close(): Promise<void>
}

/**
 * A relay in this process, on the same event loop as the client (as the endpoint is): each chunk
 * read from one side is written to the other as it came, with 'data' handlers (no streams' pipe).
 */
export async function startRelay(listen: RelayAddress, upstream: RelayAddress): Promise<Relay> {
  const server = createServer((client) => relayPair(client, connect(upstream)))
  await new Promise<void>((resolve) => server.listen(listen, resolve))
  return {
    listening: 'path' in listen ? listen : { port: (server.address() as AddressInfo).port, host: listen.host },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

/**
 * The same relay in a worker thread: its event loop runs beside the client's, so its reads and
 * writes leave the client's thread, at the price of waking another thread twice per round trip.
 */
export async function startRelayInWorker(listen: RelayAddress, upstream: RelayAddress): Promise<Relay> {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { listen, upstream } })
  const port = await new Promise<number>((resolve, reject) => worker.once('message', resolve).once('error', reject))
  return {
    listening: 'path' in listen ? listen : { port, host: listen.host },
    close: async () => void (await worker.terminate()),
  }
}

/** A fresh directory for a relay's Unix socket, named as libpq expects (`.s.PGSQL.<port>`). */
export function relaySocketDir(port: number): { dir: string; path: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'testbed-bench-relay-'))
  return { dir, path: join(dir, `.s.PGSQL.${port}`), remove: () => rmSync(dir, { recursive: true, force: true }) }
}

function relayPair(client: Socket, server: Socket): void {
  for (const socket of [client, server]) if (socket.remoteFamily !== undefined) socket.setNoDelay(true)
  client.on('data', (chunk) => server.write(chunk))
  server.on('data', (chunk) => client.write(chunk))
  client.on('close', () => server.destroy()).on('error', () => server.destroy())
  server.on('close', () => client.destroy()).on('error', () => client.destroy())
}

// relayPair and startRelay's server, as plain JavaScript for the worker.
const WORKER_SOURCE = `
const { connect, createServer } = require('node:net')
const { parentPort, workerData } = require('node:worker_threads')
const { listen, upstream } = workerData
const server = createServer((client) => {
  const server = connect(upstream)
  for (const socket of [client, server]) if (socket.remoteFamily !== undefined) socket.setNoDelay(true)
  client.on('data', (chunk) => server.write(chunk))
  server.on('data', (chunk) => client.write(chunk))
  client.on('close', () => server.destroy()).on('error', () => server.destroy())
  server.on('close', () => client.destroy()).on('error', () => client.destroy())
})
server.listen(listen, () => parentPort.postMessage(server.address().port ?? 0))
`
