import { FrontendMessageCode } from 'pg-gateway'
import { serialize } from 'pg-protocol'

/** The frontend (client → server) message codes, as pg-gateway names them. */
export const Frontend = FrontendMessageCode

/** `Parse`: a statement name, then the rest (the query text and parameter types) kept as bytes. */
export interface ParseMessage {
  readonly name: string
  readonly tail: Buffer
}

/** `Bind`: the destination portal, the source statement, then parameters and result formats as bytes. */
export interface BindMessage {
  readonly portal: string
  readonly statement: string
  readonly tail: Buffer
}

/** `Describe` or `Close` of a prepared statement (`S`) or a portal (`P`). */
export interface TargetMessage {
  readonly type: 'S' | 'P'
  readonly name: string
}

/** `Execute`: a portal and the row limit, kept as bytes. */
export interface ExecuteMessage {
  readonly portal: string
  readonly tail: Buffer
}

const BODY = 5

export const SYNC = serialize.sync()
export const FLUSH = serialize.flush()

/** Reads a C string at `offset`: its text and the offset just past its NUL. */
function cstring(message: Buffer, offset: number): [string, number] {
  // Names are nearly always empty (the unnamed statement and portal): no search, no decoding.
  if (message[offset] === 0) return ['', offset + 1]
  const end = message.indexOf(0, offset)
  return [message.toString('utf8', offset, end), end + 1]
}

export function readParse(message: Buffer): ParseMessage {
  const [name, textStart] = cstring(message, BODY)
  return { name, tail: message.subarray(textStart) }
}

/** The query text at the start of a Parse message's tail. */
export function parseText(tail: Buffer): string {
  return cstring(tail, 0)[0]
}

export function readBind(message: Buffer): BindMessage {
  const [portal, statementStart] = cstring(message, BODY)
  const [statement, tailStart] = cstring(message, statementStart)
  return { portal, statement, tail: message.subarray(tailStart) }
}

export function readTarget(message: Buffer): TargetMessage {
  const [name] = cstring(message, BODY + 1)
  return { type: message[BODY] === 0x50 ? 'P' : 'S', name }
}

export function readExecute(message: Buffer): ExecuteMessage {
  const [portal, tailStart] = cstring(message, BODY)
  return { portal, tail: message.subarray(tailStart) }
}

/** The SQL of a simple `Query` message. */
export function readQuery(message: Buffer): string {
  return cstring(message, BODY)[0]
}

/** The parameter values of a Bind's tail, as text (a text value's binary form is its text too). */
export function readBindParameters(tail: Buffer): Array<string | null> {
  let offset = 2 + 2 * tail.readUInt16BE(0)
  const count = tail.readUInt16BE(offset)
  offset += 2
  const values: Array<string | null> = []
  for (let index = 0; index < count; index++) {
    const length = tail.readInt32BE(offset)
    offset += 4
    values.push(length === -1 ? null : tail.toString('utf8', offset, offset + length))
    offset += Math.max(length, 0)
  }
  return values
}

export function writeParse(name: string, tail: Buffer): Buffer {
  return frame(Frontend.Parse, [name], tail)
}

export function writeBind(portal: string, statement: string, tail: Buffer): Buffer {
  return frame(Frontend.Bind, [portal, statement], tail)
}

export function writeExecute(portal: string, tail: Buffer): Buffer {
  return frame(Frontend.Execute, [portal], tail)
}

export function writeDescribe({ type, name }: TargetMessage): Buffer {
  return serialize.describe({ type, name })
}

export function writeClose({ type, name }: TargetMessage): Buffer {
  return serialize.close({ type, name })
}

export function writeQuery(text: string): Buffer {
  return serialize.query(text)
}

/** A message of `code` whose body is `strings` as C strings followed by `tail`. */
function frame(code: number, strings: readonly string[], tail: Buffer): Buffer {
  const heads = strings.map((text) => Buffer.from(`${text}\0`))
  const length = 4 + heads.reduce((sum, head) => sum + head.length, 0) + tail.length
  const header = Buffer.allocUnsafe(5)
  header[0] = code
  header.writeUInt32BE(length, 1)
  return Buffer.concat([header, ...heads, tail], length + 1)
}
