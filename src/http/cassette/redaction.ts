import type { CassetteBody, RecordedRequest, RecordedResponse } from './cassette-file.ts'
import { AllowList, formatPath, type PathSegment } from './json-path.ts'
import { isSecretHeader, isSecretName, normalizeName } from './secret-names.ts'
import { findShapes } from './secret-shapes.ts'

export const REDACTED = '[redacted]'
/** Where the values of the `secrets` option come from, in `known`. */
export const LISTED = 'the `secrets` option'

/** Names redacted besides the defaults. */
export interface RedactOptions {
  /** Header names whose values are replaced. @default [] (Authorization, Cookie, Set-Cookie and headers named like a token, key or secret always are) */
  headers?: string[]
  /** Query parameter and form field names. @default [] (key, sig, and names ending in token, secret, password, apikey, signature, … always are) */
  query?: string[]
  /** JSON field names, at any depth. @default [] (password, secret, token, apiKey, private_key, credentials, … always are) */
  fields?: string[]
}

export interface RedactorOptions {
  redact?: RedactOptions
  /** Places kept as they are, for values that only look like secrets: see `AllowList`. */
  allow?: readonly string[]
  /** Values that must never be written, wherever they appear. */
  secrets?: readonly string[]
}

// `name=value`, `name: value`, `"name": "value"` in text, the value with its auth scheme if it has one.
const PAIR = /(["']?)([A-Za-z][\w.-]{0,63})\1(\s*[:=]\s*)(["']?)((?:(?:Bearer|Basic|Token)\s+)?[^\s"'&,;<>]+)/g
const FORM = /^[\w.%+-]+=[^&\s]*(?:&[\w.%+-]+=[^&\s]*)*$/

/**
 * Replaces secrets in what gets recorded with `[redacted]`: by name (headers, query and form
 * parameters, JSON fields, pairs in text) and by shape (see secret-shapes.ts), everywhere in a
 * request or response, and remembers each value it removed, so that `replaceKnown` removes it
 * wherever else it appears and the scan before writing can tell it apart.
 */
export class Redactor {
  readonly #headers: Set<string>
  readonly #query: Set<string>
  readonly #fields: Set<string>
  readonly #allow: AllowList
  /** Secret value → where it was found (relative to its interaction), or the `secrets` option. */
  readonly #known = new Map<string, string>()

  constructor({ redact = {}, allow = [], secrets = [] }: RedactorOptions = {}) {
    this.#headers = new Set((redact.headers ?? []).map((name) => name.toLowerCase()))
    this.#query = new Set((redact.query ?? []).map(normalizeName))
    this.#fields = new Set((redact.fields ?? []).map(normalizeName))
    this.#allow = new AllowList(allow)
    for (const secret of secrets) if (secret !== '') this.#known.set(secret, LISTED)
  }

  /** The values redacted so far and those of `secrets`, with where each came from. */
  get known(): ReadonlyMap<string, string> {
    return this.#known
  }

  /** Whether a place (within an interaction) keeps what it holds. */
  allows(path: readonly PathSegment[]): boolean {
    return this.#allow.allows(path)
  }

  request(recorded: RecordedRequest): RecordedRequest {
    const at = ['request']
    const redacted: RecordedRequest = {
      method: recorded.method,
      url: this.#url(recorded.url, [...at, 'url']),
      headers: this.#headerValues(recorded.headers, [...at, 'headers']),
    }
    if (recorded.body !== undefined) redacted.body = this.#body(recorded.body, recorded.headers['content-type'], at)
    return this.replaceKnown(redacted, at)
  }

  response(recorded: RecordedResponse): RecordedResponse {
    const at = ['response']
    const redacted: RecordedResponse = {
      status: recorded.status,
      headers: this.#headerValues(recorded.headers, [...at, 'headers']),
    }
    const contentType = [recorded.headers['content-type'] ?? []].flat()[0]
    if (recorded.body !== undefined) redacted.body = this.#body(recorded.body, contentType, at)
    return this.replaceKnown(redacted, at)
  }

  /**
   * `value` (at `path` in its interaction) with every remembered secret replaced wherever it appears
   * in its strings, as is, JSON-escaped or percent-encoded; allowed places lose only `secrets` values.
   */
  replaceKnown<T>(value: T, path: PathSegment[] = []): T {
    if (typeof value === 'string') return this.#replaceKnownIn(value, this.allows(path)) as T
    if (Array.isArray(value)) return value.map((item, index) => this.replaceKnown(item, [...path, index])) as T
    if (value === null || typeof value !== 'object') return value
    const entries = Object.entries(value).map(([key, item]) => [key, this.replaceKnown(item, [...path, key])])
    return Object.fromEntries(entries) as T
  }

  #replaceKnownIn(text: string, listedOnly: boolean): string {
    let result = text
    for (const [secret, origin] of this.#known) {
      if (listedOnly && origin !== LISTED) continue
      for (const form of new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)])) {
        if (result.includes(form)) result = result.replaceAll(form, REDACTED)
      }
    }
    return result
  }

  #headerValues<T extends string | string[]>(headers: Record<string, T>, at: PathSegment[]): Record<string, T> {
    const result: Record<string, T> = {}
    for (const [name, value] of Object.entries(headers)) {
      const path = [...at, name]
      const redact = (item: string) => this.#headerValue(name, item, path)
      result[name] = (Array.isArray(value) ? value.map(redact) : redact(value)) as T
    }
    return result
  }

  #headerValue(name: string, value: string, path: PathSegment[]): string {
    if (this.allows(path)) return value
    if (!isSecretHeader(name, this.#headers)) return this.#text(value, path)
    const origin = formatPath(path)
    this.#remember(value, origin)
    if (name === 'authorization' || name === 'proxy-authorization') this.#remember(value.replace(/^\S+\s+/, ''), origin)
    if (name === 'cookie' || name === 'set-cookie') {
      const pairs = name === 'cookie' ? value.split(';') : [value.split(';')[0] ?? '']
      for (const pair of pairs) this.#remember(pair.slice(pair.indexOf('=') + 1).trim(), origin)
    }
    return REDACTED
  }

  #url(href: string, path: PathSegment[]): string {
    if (this.allows(path)) return href
    const url = new URL(href)
    const pathname = this.#text(url.pathname, path)
    const query = this.#params(url.search.slice(1), path)
    if (pathname === url.pathname && query === undefined) return href
    return `${url.origin}${pathname}${query === undefined ? url.search : `?${query}`}${url.hash}`
  }

  /**
   * Query parameters or a form, with secrets redacted and serialized again (`[redacted]` left
   * readable rather than percent-encoded); undefined when nothing was, so the text stays as sent.
   */
  #params(text: string, path: PathSegment[]): string | undefined {
    let changed = false
    const pairs: string[] = []
    for (const [name, value] of new URLSearchParams(text)) {
      const secret = isSecretName(name, this.#query)
      if (secret) this.#remember(value, `${formatPath(path)} parameter \`${name}\``)
      const redacted = secret ? REDACTED : this.#text(value, path)
      changed ||= redacted !== value
      pairs.push(`${encodeURIComponent(name)}=${encodeURIComponent(redacted).replaceAll('%5Bredacted%5D', REDACTED)}`)
    }
    return changed ? pairs.join('&') : undefined
  }

  #body(body: CassetteBody, contentType: string | undefined, at: PathSegment[]): CassetteBody {
    if ('json' in body) return { json: this.#json(body.json, [...at, 'body', 'json']) }
    if (!('text' in body)) return body
    const path = [...at, 'body', 'text']
    if (this.allows(path)) return body
    const form = contentType?.includes('application/x-www-form-urlencoded') || FORM.test(body.text)
    return { text: form ? (this.#params(body.text, path) ?? body.text) : this.#text(body.text, path) }
  }

  #json(value: unknown, path: PathSegment[]): unknown {
    if (this.allows(path)) return value
    if (typeof value === 'string') return this.#text(value, path)
    if (Array.isArray(value)) return value.map((item, index) => this.#json(item, [...path, index]))
    if (value === null || typeof value !== 'object') return value
    const result: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value)) {
      const itemPath = [...path, key]
      const secret = isSecretName(key, this.#fields) && !this.allows(itemPath)
      result[key] = secret ? this.#redactAll(item, itemPath) : this.#json(item, itemPath)
    }
    return result
  }

  /** Every string and number below a field named like a secret (`credentials: { user, pass }`). */
  #redactAll(value: unknown, path: PathSegment[]): unknown {
    if (Array.isArray(value)) return value.map((item, index) => this.#redactAll(item, [...path, index]))
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [key, this.#redactAll(item, [...path, key])]),
      )
    }
    if (typeof value !== 'string' && typeof value !== 'number') return value
    this.#remember(String(value), formatPath(path))
    return REDACTED
  }

  /** Free text: values of secret-named pairs, then secrets by shape. */
  #text(text: string, path: PathSegment[]): string {
    if (this.allows(path)) return text
    const origin = formatPath(path)
    const paired = text.replace(PAIR, (pair, quote, name, separator, valueQuote, value: string) => {
      if (!isSecretName(name, this.#fields) || value === REDACTED) return pair
      this.#remember(value.replace(/^\S+\s+/, ''), origin)
      return `${quote}${name}${quote}${separator}${valueQuote}${REDACTED}`
    })
    let result = ''
    let from = 0
    for (const match of findShapes(paired)) {
      this.#remember(match.value, origin)
      result += paired.slice(from, match.index) + REDACTED
      from = match.index + match.value.length
    }
    return result + paired.slice(from)
  }

  /** Remembers values worth searching for elsewhere: not short, not a plain word. */
  #remember(value: string, origin: string): void {
    if (value.length < 8 || value.includes(REDACTED) || /^[a-z]+$|^[A-Z]+$/.test(value)) return
    if (!this.#known.has(value)) this.#known.set(value, origin)
  }
}
