interface StoredCookie {
  name: string
  value: string
  path: string
  /** Epoch milliseconds; undefined for a session cookie. */
  expiresAt: number | undefined
}

/**
 * The cookies the app set, sent back on later requests as a browser would. Only the rules an
 * in-process client needs: one host, so `Domain` and `Secure` are ignored; `Path`, `Max-Age` and
 * `Expires` are kept.
 * @example
 * await api.post('/login', { json: { email, password } })
 * api.cookies.get('session') // 'abc…'
 */
export class CookieJar {
  readonly #cookies = new Map<string, StoredCookie>()

  /** Keeps the cookies of `Set-Cookie` headers received for `requestPath`. */
  store(setCookies: readonly string[], requestPath: string, now = Date.now()): void {
    for (const header of setCookies) {
      const cookie = parseSetCookie(header, requestPath, now)
      if (cookie === undefined) continue
      const key = `${cookie.path}\n${cookie.name}`
      if (cookie.expiresAt !== undefined && cookie.expiresAt <= now) this.#cookies.delete(key)
      else this.#cookies.set(key, cookie)
    }
  }

  /** The `Cookie` header for a request to `requestPath`, or undefined when no cookie applies. */
  header(requestPath: string, now = Date.now()): string | undefined {
    if (this.#cookies.size === 0) return undefined
    const pathname = requestPath.split('?')[0] ?? '/'
    const matching = [...this.#cookies.values()]
      .filter(
        (cookie) => (cookie.expiresAt === undefined || cookie.expiresAt > now) && pathMatches(cookie.path, pathname),
      )
      // RFC 6265 §5.4: longer paths first.
      .sort((a, b) => b.path.length - a.path.length)
    if (matching.length === 0) return undefined
    return matching.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ')
  }

  /** The value of the cookie named `name` (the one with the longest path when several exist). */
  get(name: string): string | undefined {
    let found: StoredCookie | undefined
    for (const cookie of this.#cookies.values()) {
      if (cookie.name === name && (found === undefined || cookie.path.length > found.path.length)) found = cookie
    }
    return found?.value
  }

  set(name: string, value: string, path = '/'): void {
    this.#cookies.set(`${path}\n${name}`, { name, value, path, expiresAt: undefined })
  }

  delete(name: string): void {
    for (const [key, cookie] of this.#cookies) if (cookie.name === name) this.#cookies.delete(key)
  }

  clear(): void {
    this.#cookies.clear()
  }

  /** A jar holding the same cookies, changed independently from now on. */
  copy(): CookieJar {
    const jar = new CookieJar()
    for (const [key, cookie] of this.#cookies) jar.#cookies.set(key, { ...cookie })
    return jar
  }
}

function parseSetCookie(header: string, requestPath: string, now: number): StoredCookie | undefined {
  const [pair = '', ...attributes] = header.split(';')
  const equals = pair.indexOf('=')
  if (equals <= 0) return undefined
  const cookie: StoredCookie = {
    name: pair.slice(0, equals).trim(),
    value: pair.slice(equals + 1).trim(),
    path: defaultPath(requestPath),
    expiresAt: undefined,
  }
  let maxAgeSeen = false
  for (const attribute of attributes) {
    const [rawName = '', ...rest] = attribute.split('=')
    const name = rawName.trim().toLowerCase()
    const value = rest.join('=').trim()
    if (name === 'path' && value.startsWith('/')) cookie.path = value
    else if (name === 'max-age' && /^-?\d+$/.test(value)) {
      // Max-Age wins over Expires (RFC 6265 §5.3 step 3).
      maxAgeSeen = true
      cookie.expiresAt = now + Number(value) * 1000
    } else if (name === 'expires' && !maxAgeSeen) {
      const time = Date.parse(value)
      if (!Number.isNaN(time)) cookie.expiresAt = time
    }
  }
  return cookie
}

/** RFC 6265 §5.1.4: the request path up to its last `/`. */
function defaultPath(requestPath: string): string {
  const pathname = requestPath.split('?')[0] ?? '/'
  const lastSlash = pathname.lastIndexOf('/')
  return lastSlash <= 0 ? '/' : pathname.slice(0, lastSlash)
}

function pathMatches(cookiePath: string, pathname: string): boolean {
  if (pathname === cookiePath) return true
  if (!pathname.startsWith(cookiePath)) return false
  return cookiePath.endsWith('/') || pathname[cookiePath.length] === '/'
}
