import type { OutboundRequest } from '../mock/outbound-request.ts'
import {
  type CassetteBody,
  cassetteBodyBytes,
  type RecordedRequest,
  type RecordedResponse,
  toCassetteBody,
} from './cassette-file.ts'
import { REDACTED, type Redactor } from './redaction.ts'

/** Connection details and values that change on every run; they would only make cassettes noisy. */
const UNRECORDED_REQUEST_HEADERS = new Set([
  'host',
  'connection',
  'keep-alive',
  'content-length',
  'transfer-encoding',
  'accept-encoding',
])
const UNRECORDED_RESPONSE_HEADERS = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length'])
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304])

/** The request as the cassette keeps it: redacted, headers in name order. */
export function recordRequest(request: OutboundRequest, redactor: Redactor): RecordedRequest {
  const headers: Record<string, string> = {}
  request.headers.forEach((value, name) => {
    if (!UNRECORDED_REQUEST_HEADERS.has(name)) headers[name] = value
  })
  const recorded: RecordedRequest = { method: request.method, url: request.url.href, headers }
  const body = toCassetteBody(request.body, request.headers.get('content-type'))
  if (body !== undefined) recorded.body = body
  return redactor.request(recorded)
}

export function recordResponse(
  status: number,
  responseHeaders: Headers,
  bytes: Uint8Array,
  redactor: Redactor,
): RecordedResponse {
  const contentType = responseHeaders.get('content-type')
  const headers: Record<string, string | string[]> = {}
  responseHeaders.forEach((value, name) => {
    if (!UNRECORDED_RESPONSE_HEADERS.has(name) && name !== 'set-cookie') headers[name] = value
  })
  const cookies = responseHeaders.getSetCookie()
  if (cookies.length > 0) headers['set-cookie'] = cookies
  const recorded: RecordedResponse = { status, headers: sortKeys(headers) }
  const body = toCassetteBody(bytes, contentType)
  if (body !== undefined) recorded.body = body
  return redactor.response(recorded)
}

/** The recorded response, without the headers whose values were redacted (a cookie of `[redacted]` helps no one). */
export function replayResponse(recorded: RecordedResponse): Response {
  const headers = new Headers()
  for (const [name, value] of Object.entries(recorded.headers)) {
    for (const item of [value].flat()) if (item !== REDACTED) headers.append(name, item)
  }
  const body = NULL_BODY_STATUSES.has(recorded.status) ? null : Buffer.from(cassetteBodyBytes(recorded.body))
  return new Response(body, { status: recorded.status, headers })
}

/**
 * The request as lines, the way replay compares requests and shows the difference: method and URL,
 * then the body (JSON pretty, keys in order, so key order never matters). Headers are not compared.
 */
export function requestLines(request: RecordedRequest): string[] {
  return [`${request.method} ${request.url}`, ...bodyLines(request.body)]
}

function bodyLines(body: CassetteBody | undefined): string[] {
  if (body === undefined) return []
  if ('json' in body) return JSON.stringify(sortKeys(body.json), null, 2).split('\n')
  if ('text' in body) return body.text.split('\n')
  return [`(base64) ${body.base64}`]
}

function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortKeys) as T
  if (value === null || typeof value !== 'object') return value
  const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return Object.fromEntries(entries.map(([key, item]) => [key, sortKeys(item)])) as T
}
