import { TestbedError } from '../../core/errors.ts'
import { decodeText, describeBody, describeHeaders } from '../message-text.ts'
import type { ReceivedResponse, SentRequest } from './app-dispatch.ts'

/**
 * The app's answer to an in-process request, read in full, so `text()` and `json()` need no `await`.
 * @example
 * const res = await api.post('/users', { json: { email } })
 * res.expectStatus(201)
 * const user = res.json<{ id: string }>()
 */
export class ApiResponse {
  readonly status: number
  readonly statusText: string
  readonly headers: Headers
  /** What the client sent, for failure messages. */
  readonly request: SentRequest
  readonly #body: Uint8Array

  constructor(request: SentRequest, response: ReceivedResponse) {
    this.request = request
    this.status = response.status
    this.statusText = response.statusText
    this.headers = response.headers
    this.#body = response.body
  }

  /** True for a 2xx status. */
  get ok(): boolean {
    return this.status >= 200 && this.status < 300
  }

  bytes(): Uint8Array {
    return this.#body
  }

  text(): string {
    return new TextDecoder().decode(this.#body)
  }

  /** The body parsed as JSON; throws a TestbedError showing the exchange when it is not JSON. */
  json<T = unknown>(): T {
    const text = decodeText(this.#body)
    try {
      if (text === undefined) throw new Error('the body is not UTF-8 text')
      return JSON.parse(text) as T
    } catch (error) {
      throw notJson(this, error)
    }
  }

  /** Returns the response when its status is `status`; otherwise throws a TestbedError showing the request and the response. */
  expectStatus(status: number): this {
    if (this.status !== status) throw unexpectedStatus(this, status, false)
    return this
  }
}

/** The error `expectStatus` and the `toHaveStatus` matcher report; `negated` for `.not.toHaveStatus`. */
export function unexpectedStatus(response: ApiResponse, expected: number, negated: boolean): TestbedError {
  return new TestbedError('TESTBED_HTTP_UNEXPECTED_STATUS', {
    what: negated
      ? `Expected a status other than ${expected} from the app`
      : `Expected status ${expected} from the app`,
    subject: `${response.request.method} ${response.request.path}`,
    why: `It answered ${describeStatus(response)}`,
    fix: negated
      ? 'Read the response below, or change the expectation'
      : "Read the response below for the app's reason, or change the expected status",
    details: describeExchange(response),
  })
}

function notJson(response: ApiResponse, cause: unknown): TestbedError {
  const contentType = response.headers.get('content-type') ?? 'no content-type'
  return new TestbedError(
    'TESTBED_HTTP_NOT_JSON',
    {
      what: 'Cannot read the response body as JSON',
      subject: `${response.request.method} ${response.request.path}`,
      why: `The app answered ${describeStatus(response)} with ${contentType} (${cause instanceof Error ? cause.message : String(cause)})`,
      fix: 'Check the route and the status, or read the body with `res.text()`',
      details: describeExchange(response),
    },
    { cause },
  )
}

/** The request and the response as detail lines of a failure message. */
export function describeExchange(response: ApiResponse): string[] {
  const { request } = response
  return [
    `request: ${request.method} ${request.path}`,
    `request headers: ${describeHeaders(request.headers)}`,
    `request body: ${describeBody(request.body, request.headers.get('content-type'))}`,
    `response: ${describeStatus(response)}`,
    `response headers: ${describeHeaders(response.headers)}`,
    `response body: ${describeBody(response.bytes(), response.headers.get('content-type'))}`,
  ]
}

function describeStatus(response: ApiResponse): string {
  return response.statusText ? `${response.status} ${response.statusText}` : String(response.status)
}
