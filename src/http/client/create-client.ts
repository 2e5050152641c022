import { TestbedError } from '../../core/errors.ts'
import { ApiResponse } from './api-response.ts'
import { type App, type Dispatch, toDispatch } from './app-dispatch.ts'
import { CookieJar } from './cookie-jar.ts'

/** What `new Headers(…)` accepts: a record, a Headers, or name/value pairs. */
export type HeadersInit = ConstructorParameters<typeof Headers>[0]

export interface ClientOptions<User = never> {
  /**
   * The origin the app sees: the `Host` header, and the URL of the `Request` a fetch handler gets.
   * @default 'http://localhost'
   */
  baseUrl?: string
  /**
   * Headers sent with every request.
   * @default {}
   */
  headers?: HeadersInit
  /**
   * The headers that authenticate `user`, for `api.as(user)`. Called once per `as(user)` client,
   * at its first request.
   * @example (user) => ({ authorization: `Bearer ${signToken(user)}` })
   */
  authenticate?: (user: User) => HeadersInit | Promise<HeadersInit>
}

export type QueryValue = string | number | boolean | null | undefined | ReadonlyArray<string | number | boolean>

export interface RequestOptions {
  /** Sent as JSON with `content-type: application/json`. */
  json?: unknown
  /** A raw body: a string, bytes, `URLSearchParams` (a form), `FormData` (multipart) or a `Blob`. */
  body?: string | Uint8Array | URLSearchParams | FormData | Blob
  /** Added to the query string of `path`; arrays repeat the key, `null`/`undefined` are left out. */
  query?: Record<string, QueryValue> | URLSearchParams
  headers?: HeadersInit
}

type HeaderSource = () => HeadersInit | Promise<HeadersInit>

interface ClientState<User> {
  dispatch: Dispatch
  origin: URL
  headerSources: readonly HeaderSource[]
  authenticate: ((user: User) => HeadersInit | Promise<HeadersInit>) | undefined
  jar: CookieJar
}

/**
 * Calls the app's own HTTP API in-process, with no port: each request goes straight to its request
 * listener (Fastify's server's, for a Fastify instance) or its fetch handler. Cookies the app sets
 * are sent back.
 * @example
 * const api = createClient(app, { authenticate: (user: User) => ({ authorization: `Bearer ${user.token}` }) })
 * const res = await api.as(alice).post('/orders', { json: { sku: 'A1' } })
 * expect(res.status).toBe(201)
 */
export function createClient<User = never>(app: App, options: ClientOptions<User> = {}): ApiClient<User> {
  const origin = new URL(options.baseUrl ?? 'http://localhost')
  const headers = options.headers
  return new InProcessClient({
    dispatch: toDispatch(app, origin),
    origin,
    headerSources: headers === undefined ? [] : [() => headers],
    authenticate: options.authenticate,
    jar: new CookieJar(),
  })
}

/**
 * The in-process client `createClient` returns (and the `api` fixture gives). Derived clients
 * (`bearer`, `as`, `withHeaders`) start with a copy of its cookies. Made by `createClient` only.
 * @example
 * const res = await createClient(app).bearer(token).get('/me')
 */
export type ApiClient<User = never> = Pick<
  InProcessClient<User>,
  'cookies' | 'get' | 'post' | 'put' | 'patch' | 'delete' | 'request' | 'bearer' | 'as' | 'withHeaders' | 'fetch'
>

class InProcessClient<User = never> {
  readonly #state: ClientState<User>

  constructor(state: ClientState<User>) {
    this.#state = state
  }

  /** The cookies this client sends back to the app. */
  get cookies(): CookieJar {
    return this.#state.jar
  }

  get(path: string, options?: RequestOptions): Promise<ApiResponse> {
    return this.request('GET', path, options)
  }

  post(path: string, options?: RequestOptions): Promise<ApiResponse> {
    return this.request('POST', path, options)
  }

  put(path: string, options?: RequestOptions): Promise<ApiResponse> {
    return this.request('PUT', path, options)
  }

  patch(path: string, options?: RequestOptions): Promise<ApiResponse> {
    return this.request('PATCH', path, options)
  }

  delete(path: string, options?: RequestOptions): Promise<ApiResponse> {
    return this.request('DELETE', path, options)
  }

  async request(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse> {
    const upper = method.toUpperCase()
    const encoded = encodeBody(upper, path, options)
    const { body, contentType } = encoded instanceof Promise ? await encoded : encoded
    const headers = new Headers(contentType === undefined ? undefined : { 'content-type': contentType })
    if (options.headers !== undefined) setAll(headers, options.headers)
    return this.#send(upper, pathWithQuery(path, options.query, this.#state.origin), headers, body, true)
  }

  /** A client that sends `authorization: Bearer <token>` on every request. */
  bearer(token: string): ApiClient<User> {
    return this.withHeaders({ authorization: `Bearer ${token}` })
  }

  /** A client authenticated as `user`, through the `authenticate` option of `createClient`. */
  as(user: User): ApiClient<User> {
    const { authenticate } = this.#state
    if (authenticate === undefined) throw missingAuthenticate()
    return this.#derive(once(() => authenticate(user)))
  }

  /** A client that adds `headers` to every request (over the ones it already sends). */
  withHeaders(headers: HeadersInit): ApiClient<User> {
    return this.#derive(() => headers)
  }

  /**
   * A `fetch` that goes through this client (its headers and cookies) into the app, for typed
   * clients built on fetch, e.g. Hono's `hc<typeof app>('http://localhost', { fetch: api.fetch })`.
   */
  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request =
      typeof input === 'string' || input instanceof URL
        ? new Request(new URL(input, this.#state.origin), init)
        : new Request(input, init)
    const url = new URL(request.url)
    const body = request.body === null ? undefined : new Uint8Array(await request.arrayBuffer())
    const response = await this.#send(request.method, url.pathname + url.search, request.headers, body)
    const nullBody = [101, 204, 205, 304].includes(response.status) || request.method === 'HEAD'
    return new Response(nullBody ? null : Buffer.from(response.bytes()), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    })
  }

  /** `ownHeaders`: `requestHeaders` were made for this request, so they may be sent as they are. */
  async #send(method: string, path: string, requestHeaders: Headers, body: Uint8Array | undefined, ownHeaders = false) {
    const headers = await this.#mergeHeaders(requestHeaders, ownHeaders)
    const cookie = headers.has('cookie') ? undefined : this.#state.jar.header(path)
    if (cookie !== undefined) headers.set('cookie', cookie)
    const sent = { method, path, headers, body }
    const received = await this.#state.dispatch(sent)
    this.#state.jar.store(received.headers.getSetCookie(), path)
    return new ApiResponse(sent, received)
  }

  async #mergeHeaders(requestHeaders: Headers, ownHeaders: boolean): Promise<Headers> {
    const { headerSources } = this.#state
    if (ownHeaders && headerSources.length === 0) return requestHeaders
    const headers = new Headers()
    for (const source of headerSources) setAll(headers, await source())
    setAll(headers, requestHeaders)
    return headers
  }

  #derive(source: HeaderSource): ApiClient<User> {
    const { headerSources, jar } = this.#state
    return new InProcessClient({ ...this.#state, headerSources: [...headerSources, source], jar: jar.copy() })
  }
}

interface EncodedBody {
  body: Uint8Array | undefined
  contentType: string | undefined
}

const NO_BODY: EncodedBody = { body: undefined, contentType: undefined }
const TEXT_ENCODER = new TextEncoder()

/** JSON and no body are encoded at once: an await costs a request more than the encoding. */
function encodeBody(method: string, path: string, options: RequestOptions): EncodedBody | Promise<EncodedBody> {
  if (options.json !== undefined && options.body !== undefined) throw jsonAndBody(method, path)
  if (options.json !== undefined) {
    return { body: TEXT_ENCODER.encode(JSON.stringify(options.json)), contentType: 'application/json' }
  }
  if (options.body === undefined) return NO_BODY
  return encodeBodyInit(options.body)
}

/** A Request serializes every BodyInit (multipart boundaries included) and names its content type. */
async function encodeBodyInit(body: NonNullable<RequestOptions['body']>): Promise<EncodedBody> {
  const request = new Request('http://localhost/', { method: 'POST', body })
  const contentType = request.headers.get('content-type') ?? undefined
  return { body: new Uint8Array(await request.arrayBuffer()), contentType }
}

// A path the URL parser would give back unchanged: from the root, no dot segments, no `//` (which
// names a host), only characters neither the path nor the query percent-encodes, no fragment.
const CANONICAL_PATH = /^\/(?!\/)[\w\-.~!$&'()*+,;=:@%/]*(?:\?[\w\-.~!$&()*+,;=:@%/?]+)?$/
const DOT_SEGMENT = /\/\.\.?(?:[/?]|$)/

function pathWithQuery(path: string, query: RequestOptions['query'], origin: URL): string {
  // Parsing a URL is a tenth of an in-process request; most paths are already what it would return.
  if (query === undefined && CANONICAL_PATH.test(path) && !DOT_SEGMENT.test(path)) return path
  const url = new URL(path, origin)
  const entries = query instanceof URLSearchParams ? [...query] : Object.entries(query ?? {})
  for (const [name, value] of entries) {
    if (value === null || value === undefined) continue
    for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(name, String(item))
  }
  return url.pathname + url.search
}

/** Sets each header of `source` on `target`, replacing what `target` had under that name. */
function setAll(target: Headers, source: HeadersInit): void {
  for (const [name, value] of new Headers(source)) target.set(name, value)
}

function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined
  return () => {
    made ??= { value: make() }
    return made.value
  }
}

function jsonAndBody(method: string, path: string): TestbedError {
  return new TestbedError('TESTBED_HTTP_INVALID_REQUEST', {
    what: `api.${method.toLowerCase()}() got both \`json\` and \`body\``,
    subject: path,
    why: 'A request has one body: `json` sends a value as JSON, `body` sends raw text, bytes or a form',
    fix: 'Pass one of them',
  })
}

function missingAuthenticate(): TestbedError {
  return new TestbedError('TESTBED_HTTP_NO_AUTHENTICATE', {
    what: 'api.as(user) needs the `authenticate` option of createClient',
    why: '`as(user)` asks `authenticate(user)` for the headers that log the user in',
    fix: "Pass it, e.g. `createClient(app, { authenticate: (user) => ({ authorization: 'Bearer ' + user.token }) })`, or use `api.bearer(token)`",
  })
}
