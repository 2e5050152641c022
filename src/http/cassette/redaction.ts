import type { CassetteBody, Interaction } from './cassette-file.ts'

export const REDACTED = '[redacted]'

/** Names redacted besides the defaults. */
export interface RedactOptions {
  /** Header names whose values are replaced. @default [] (Authorization, Cookie, Set-Cookie, API-key headers always are) */
  headers?: string[]
  /** Query parameter and form field names. @default [] (key, api_key, token, access_token, … always are) */
  query?: string[]
  /** JSON field names, at any depth. @default [] (password, secret, token, apiKey, access_token, … always are) */
  fields?: string[]
}

const SECRET_HEADERS = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'api-key',
  'x-auth-token',
]
/** Query names that are secrets whatever follows; other names are secrets when they end like a secret. */
const SECRET_QUERY_NAMES = ['key', 'sig', 'signature', 'auth']
const SECRET_SUFFIXES = ['password', 'passwd', 'secret', 'token', 'apikey', 'privatekey', 'credentials']
/** Shorter values may occur anywhere by chance ("true", "1234"); they are redacted but not searched for. */
const MIN_SECRET_LENGTH = 6

/**
 * Replaces secrets in what gets recorded, remembering each value it removed so that `leftovers`
 * can prove none of them is still in the cassette.
 */
export class Redactor {
  readonly #headers: Set<string>
  readonly #query: Set<string>
  readonly #fields: Set<string>
  /** Secret value → where it was found. */
  readonly #secrets = new Map<string, string>()

  constructor(options: RedactOptions = {}, knownSecrets: readonly string[] = []) {
    this.#headers = new Set([...SECRET_HEADERS, ...(options.headers ?? [])].map((name) => name.toLowerCase()))
    this.#query = new Set([...SECRET_QUERY_NAMES, ...(options.query ?? [])].map(normalize))
    this.#fields = new Set((options.fields ?? []).map(normalize))
    for (const secret of knownSecrets) if (secret !== '') this.#secrets.set(secret, 'the `secrets` option')
  }

  headers<T extends string | string[]>(headers: Record<string, T>, where: string): Record<string, T> {
    const result: Record<string, T> = {}
    for (const [name, value] of Object.entries(headers)) {
      if (!this.#headers.has(name)) result[name] = value
      else {
        for (const item of [value].flat()) this.#rememberHeader(name, item, `${where} header \`${name}\``)
        result[name] = (Array.isArray(value) ? value.map(() => REDACTED) : REDACTED) as T
      }
    }
    return result
  }

  url(href: string): string {
    const url = new URL(href)
    if (!this.#hasSecretParam(url.searchParams)) return href
    url.search = this.#params(url.searchParams, 'query parameter')
    return url.href
  }

  body(body: CassetteBody | undefined, contentType: string | null, where: string): CassetteBody | undefined {
    if (body === undefined) return undefined
    if ('json' in body) return { json: this.#json(body.json, `${where} JSON field`) }
    const form = 'text' in body && contentType?.includes('application/x-www-form-urlencoded')
    if (form && this.#hasSecretParam(new URLSearchParams(body.text))) {
      return { text: this.#params(new URLSearchParams(body.text), `${where} form field`) }
    }
    return body
  }

  /** Where each remembered secret still appears in `interactions`. */
  leftovers(interactions: readonly Interaction[]): string[] {
    const found: string[] = []
    interactions.forEach((interaction, index) => {
      for (const part of ['request', 'response'] as const) {
        const text = JSON.stringify(interaction[part])
        for (const [secret, origin] of this.#secrets) {
          if (!appearsIn(text, secret)) continue
          const label = `${interaction.request.method} ${interaction.request.url}`
          found.push(
            `the value from ${origin} (${secret.length} characters) is in the ${part} of interaction ${index + 1} (${label})`,
          )
        }
      }
    })
    return found
  }

  #hasSecretParam(params: URLSearchParams): boolean {
    return [...params.keys()].some((name) => isSecretName(name, this.#query))
  }

  /** The parameters serialized again, `[redacted]` left readable rather than percent-encoded. */
  #params(params: URLSearchParams, where: string): string {
    const pairs: string[] = []
    for (const [name, value] of params) {
      const secret = isSecretName(name, this.#query)
      if (secret) this.#remember(value, `${where} \`${name}\``)
      pairs.push(`${encodeURIComponent(name)}=${secret ? REDACTED : encodeURIComponent(value)}`)
    }
    return pairs.join('&')
  }

  #json(value: unknown, where: string): unknown {
    if (Array.isArray(value)) return value.map((item) => this.#json(item, where))
    if (value === null || typeof value !== 'object') return value
    const result: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value)) {
      const secret = isSecretName(key, this.#fields) && item !== null && typeof item !== 'object'
      if (secret) this.#remember(String(item), `${where} \`${key}\``)
      result[key] = secret ? REDACTED : this.#json(item, where)
    }
    return result
  }

  #rememberHeader(name: string, value: string, where: string): void {
    this.#remember(value, where)
    if (name === 'authorization' || name === 'proxy-authorization') this.#remember(value.replace(/^\S+\s+/, ''), where)
    if (name === 'cookie' || name === 'set-cookie') {
      const pairs = name === 'cookie' ? value.split(';') : [value.split(';')[0] ?? '']
      for (const pair of pairs) this.#remember(pair.slice(pair.indexOf('=') + 1).trim(), where)
    }
  }

  #remember(value: string, where: string): void {
    if (value.length >= MIN_SECRET_LENGTH && value !== REDACTED && !this.#secrets.has(value))
      this.#secrets.set(value, where)
  }
}

function isSecretName(name: string, extra: ReadonlySet<string>): boolean {
  const normalized = normalize(name)
  return extra.has(normalized) || SECRET_SUFFIXES.some((suffix) => normalized.endsWith(suffix))
}

/** `access_token`, `accessToken` and `Access-Token` are one name. */
function normalize(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, '')
}

/** The secret as written, JSON-escaped or percent-encoded. */
function appearsIn(text: string, secret: string): boolean {
  return [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)].some((form) => text.includes(form))
}
