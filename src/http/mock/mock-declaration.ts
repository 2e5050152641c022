import { TestbedError } from '../../core/errors.ts'
import { describeValue } from '../../core/options.ts'

/** What `URLPattern` offers that matching needs; typed structurally since Node 22 lacks the global. */
export interface UrlPatternLike {
  test(input: string): boolean
  readonly protocol: string
  readonly hostname: string
  readonly pathname: string
}

/** A URL to match: a string (origin and path equal, its query params required), a RegExp or a URLPattern (tested on the whole URL). */
export type UrlMatcher = string | RegExp | UrlPatternLike

export type ValueMatcher = string | number | boolean | RegExp

/** What a request must also carry to match. */
export interface MatchOptions {
  /** Query parameters the URL must have (others may be present too). */
  query?: Record<string, ValueMatcher>
  /** Headers the request must have (names are case-insensitive; others may be present too). */
  headers?: Record<string, ValueMatcher>
  /** A JSON body the request body must contain: listed fields must be equal, other fields are ignored; arrays must match item by item. */
  json?: unknown
  /** The exact text of the body, or a RegExp it must match. */
  body?: string | RegExp
}

export type MockAnswer =
  | { kind: 'reply'; status: number; body: unknown; headers: Record<string, string> }
  | { kind: 'error'; error: unknown }

/**
 * One declared outbound mock: what it matches, and how it answers. Answers any number of times by
 * default, and must be called at least once.
 * @example
 * http.post('https://api.example.com/users', { json: { email } }).reply(201, { id: 'new-123' })
 * http.get('https://api.example.com/health').times(2).delay(50).networkError()
 */
export type MockDeclaration = Readonly<Pick<DeclaredMock, 'method' | 'url' | 'match' | 'calls'>> & {
  /** Answers with `status`; an object or array body is sent as JSON, a string as text, bytes as they are. */
  reply(status: number, body?: unknown, headers?: Record<string, string>): MockDeclaration
  /** Answers exactly `count` requests: the next one is unmatched, and fewer calls fail `verify()`. */
  times(count: number): MockDeclaration
  /** Waits `ms` milliseconds before answering. */
  delay(ms: number): MockDeclaration
  /** Fails the request as a dropped connection does: an error with `code` (`ECONNRESET` by default). */
  networkError(code?: string): MockDeclaration
  /** Fails the request with `error`, as the client reports network errors (fetch wraps it as `cause`). */
  replyWithError(error: Error): MockDeclaration
  /** Lets `verify()` pass when the mock was never called. */
  optional(): MockDeclaration
}

// The declaration as the interceptor sees it: its answer and counters change as requests arrive.
export class DeclaredMock {
  readonly method: string
  readonly url: UrlMatcher
  readonly match: MatchOptions
  /** How many requests it answered. */
  calls = 0
  answer: MockAnswer = { kind: 'reply', status: 200, body: undefined, headers: {} }
  delayMs = 0
  #times: number | undefined
  #optional = false

  constructor(method: string, url: UrlMatcher, match: MatchOptions) {
    this.method = method
    this.url = url
    this.match = match
  }

  /** Answers with `status`; an object or array body is sent as JSON, a string as text, bytes as they are. */
  reply(status: number, body?: unknown, headers: Record<string, string> = {}): this {
    if (!Number.isInteger(status) || status < 200 || status > 599)
      throw invalidMock(this, 'reply', 'a status from 200 to 599', status)
    this.answer = { kind: 'reply', status, body, headers }
    return this
  }

  /** Answers exactly `count` requests: the next one is unmatched, and fewer calls fail `verify()`. */
  times(count: number): this {
    if (!Number.isInteger(count) || count < 1) throw invalidMock(this, 'times', 'a positive integer', count)
    this.#times = count
    return this
  }

  /** Waits `ms` milliseconds before answering. */
  delay(ms: number): this {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0)
      throw invalidMock(this, 'delay', 'milliseconds ≥ 0', ms)
    this.delayMs = ms
    return this
  }

  /** Fails the request as a dropped connection does: an error with `code` (`ECONNRESET` by default). */
  networkError(code = 'ECONNRESET'): this {
    return this.replyWithError(Object.assign(new Error(`${code} (mocked by testbed)`), { code }))
  }

  /** Fails the request with `error`, as the client reports network errors (fetch wraps it as `cause`). */
  replyWithError(error: Error): this {
    this.answer = { kind: 'error', error }
    return this
  }

  /** Lets `verify()` pass when the mock was never called. */
  optional(): this {
    this.#optional = true
    return this
  }

  /** True once it answered all the requests `times(n)` allows. */
  get exhausted(): boolean {
    return this.#times !== undefined && this.calls >= this.#times
  }

  /** Why `verify()` fails for it, or undefined when it was called enough. */
  get shortfall(): string | undefined {
    if (this.#times !== undefined && this.calls < this.#times && !(this.#optional && this.calls === 0)) {
      return `called ${this.calls} of ${this.#times} times`
    }
    if (this.#times === undefined && this.calls === 0 && !this.#optional) return 'never called'
    return undefined
  }

  /** `http.get('https://api.example.com/users', { query: {"page":"2"} })`, as the test declared it. */
  describe(): string {
    const options = Object.entries(this.match)
      .filter(([, value]) => value !== undefined)
      .map(([name, value]) => `${name}: ${describeMatcherValue(value)}`)
    const url = describeUrl(this.url)
    return `http.${this.method.toLowerCase()}(${options.length === 0 ? url : `${url}, { ${options.join(', ')} }`})`
  }
}

function describeUrl(url: UrlMatcher): string {
  if (typeof url === 'string') return `'${url}'`
  if (url instanceof RegExp) return String(url)
  return `URLPattern(${url.protocol}://${url.hostname}${url.pathname})`
}

function describeMatcherValue(value: unknown): string {
  if (value instanceof RegExp) return String(value)
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value).map(([key, item]) => `${key}: ${describeMatcherValue(item)}`)
    return `{ ${entries.join(', ')} }`
  }
  return JSON.stringify(value)
}

function invalidMock(declaration: DeclaredMock, method: string, expected: string, value: unknown): TestbedError {
  return new TestbedError('TESTBED_HTTP_INVALID_MOCK', {
    what: `Invalid argument to .${method}()`,
    subject: declaration.describe(),
    why: `.${method}() takes ${expected}, got ${describeValue(value)}`,
    fix: `Pass ${expected}`,
  })
}
