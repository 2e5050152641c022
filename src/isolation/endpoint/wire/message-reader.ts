const HEADER = 5
const EMPTY = Buffer.alloc(0)

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
    const data = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk])
    const messages: Buffer[] = []
    let offset = 0
    while (data.length - offset >= HEADER) {
      const end = offset + 1 + data.readUInt32BE(offset + 1)
      if (end > data.length) break
      messages.push(data.subarray(offset, end))
      offset = end
    }
    this.#pending = offset === data.length ? EMPTY : data.subarray(offset)
    return messages
  }
}
