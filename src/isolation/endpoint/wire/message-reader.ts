const HEADER = 5
const EMPTY = Buffer.alloc(0)

/** Where a whole message lies: `data` from `start` (its code byte) to `end` (exclusive). */
export type MessageVisitor = (data: Buffer, start: number, end: number) => void

/**
 * Cuts a PostgreSQL protocol byte stream (after the startup phase) into whole messages: a code
 * byte, a 4-byte length that counts itself, then the body. A message split across chunks is kept
 * until its rest arrives. The messages are views into the chunks, never copies.
 * @example
 * const reader = new MessageReader()
 * socket.on('data', (chunk) => { for (const message of reader.read(chunk)) handle(message) })
 */
export class MessageReader {
  #pending: Buffer = EMPTY

  /** The whole messages that `chunk` completes, in order. */
  read(chunk: Buffer): Buffer[] {
    const messages: Buffer[] = []
    this.scan(chunk, (data, start, end) => messages.push(data.subarray(start, end)))
    return messages
  }

  /**
   * Calls `visit` for each whole message that `chunk` completes, in order, with where it lies
   * instead of a view of it: the server's replies are mostly passed on in runs, and a view per
   * message cost more than the routing itself (measured, bench/endpoint-overhead.ts).
   */
  scan(chunk: Buffer, visit: MessageVisitor): void {
    const data = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk])
    let offset = 0
    while (data.length - offset >= HEADER) {
      const end = offset + 1 + data.readUInt32BE(offset + 1)
      if (end > data.length) break
      visit(data, offset, end)
      offset = end
    }
    this.#pending = offset === data.length ? EMPTY : data.subarray(offset)
  }
}
