import { BackendError, BackendMessageCode } from 'pg-gateway'
import type { BackendMessage } from 'pg-protocol/dist/messages.js'
import { Parser } from 'pg-protocol/dist/parser.js'

/** The backend (server → client) message codes, as pg-gateway names them. */
export const Backend = BackendMessageCode

/** A transaction status as ReadyForQuery reports it: idle, in a transaction block, in a failed one. */
export type TransactionStatus = 'I' | 'T' | 'E'

/** The fields of an ErrorResponse or NoticeResponse that testbed writes. */
export interface ErrorFields {
  readonly code: string
  readonly message: string
  readonly severity?: 'ERROR' | 'FATAL'
  readonly detail?: string
  readonly hint?: string
}

export const PARSE_COMPLETE = bodiless(Backend.ParseComplete)
export const BIND_COMPLETE = bodiless(Backend.BindComplete)
export const CLOSE_COMPLETE = bodiless(Backend.CloseComplete)
export const NO_DATA = bodiless(Backend.NoData)
/** ParameterDescription of a statement without parameters. */
export const NO_PARAMETERS = message(Backend.ParameterDescriptionMessage, Buffer.from([0, 0]))

export function commandComplete(tag: string): Buffer {
  return message(Backend.CommandComplete, cstrings(tag))
}

const READY: Record<TransactionStatus, Buffer> = {
  I: message(Backend.ReadyForQuery, Buffer.from('I')),
  T: message(Backend.ReadyForQuery, Buffer.from('T')),
  E: message(Backend.ReadyForQuery, Buffer.from('E')),
}

export function readyForQuery(status: TransactionStatus): Buffer {
  return READY[status]
}

export function parameterStatus(name: string, value: string): Buffer {
  return message(Backend.ParameterStatus, cstrings(name, value))
}

export function backendKeyData(processId: number, secretKey: number): Buffer {
  const body = Buffer.allocUnsafe(8)
  body.writeInt32BE(processId, 0)
  body.writeInt32BE(secretKey, 4)
  return message(Backend.BackendKeyData, body)
}

export function notificationResponse(processId: number, channel: string, payload: string): Buffer {
  const pid = Buffer.allocUnsafe(4)
  pid.writeInt32BE(processId, 0)
  return message(Backend.NotificationResponse, Buffer.concat([pid, cstrings(channel, payload)]))
}

export function errorResponse({ severity = 'ERROR', ...fields }: ErrorFields): Buffer {
  return Buffer.from(BackendError.create({ severity, ...fields }).flush())
}

/** The status byte of the ReadyForQuery message at `start` of `data`. */
export function readStatus(data: Buffer, start = 0): TransactionStatus {
  return String.fromCharCode(data[start + 5] ?? 73) as TransactionStatus
}

/** The command tag of a CommandComplete message: `INSERT 0 1`, `SELECT 3`, `BEGIN`. */
export function readCommandTag(completeMessage: Buffer): string {
  return completeMessage.toString('utf8', 5, completeMessage.length - 1)
}

/**
 * Decodes one whole backend message with pg-protocol's parser: an ErrorResponse becomes a
 * `DatabaseError`, a ParameterStatus a `{ parameterName, parameterValue }`, and so on.
 */
export function decodeBackendMessage(raw: Buffer): BackendMessage {
  let decoded: BackendMessage | undefined
  new Parser().parse(raw, (parsed) => {
    decoded = parsed
  })
  if (decoded === undefined) throw new Error(`Incomplete backend message (code ${raw[0]})`)
  return decoded
}

function bodiless(code: number): Buffer {
  return message(code, Buffer.alloc(0))
}

function cstrings(...texts: string[]): Buffer {
  return Buffer.from(texts.map((text) => `${text}\0`).join(''))
}

function message(code: number, body: Buffer): Buffer {
  const header = Buffer.allocUnsafe(5)
  header[0] = code
  header.writeUInt32BE(body.length + 4, 1)
  return Buffer.concat([header, body])
}
