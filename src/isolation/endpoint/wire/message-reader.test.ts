import { serialize } from 'pg-protocol'
import { describe, expect, test } from 'vitest'
import { MessageReader } from './message-reader.ts'

const query = serialize.query('SELECT 1')
const sync = serialize.sync()

describe('MessageReader', () => {
  test('cuts a chunk into whole messages', () => {
    const messages = new MessageReader().read(Buffer.concat([query, sync]))
    expect(messages).toEqual([query, sync])
  })

  test('keeps a message split across chunks until its rest arrives', () => {
    const reader = new MessageReader()
    const whole = Buffer.concat([query, sync])
    expect(reader.read(whole.subarray(0, 3))).toEqual([])
    expect(reader.read(whole.subarray(3, query.length + 2))).toEqual([query])
    expect(reader.read(whole.subarray(query.length + 2))).toEqual([sync])
  })

  test('reads a message whose header is split byte by byte', () => {
    const reader = new MessageReader()
    const read = [...query].flatMap((byte) => reader.read(Buffer.from([byte])))
    expect(read).toEqual([query])
  })
})
