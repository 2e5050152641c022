import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { TestbedError } from '../../core/errors.ts'
import { describeValue } from '../../core/options.ts'
import { readCassette } from '../cassette/cassette-file.ts'
import { type HttpMockMode, resolveMode } from '../cassette/cassette-mode.ts'
import { CassettePlayer } from '../cassette/cassette-player.ts'
import { CassetteRecorder } from '../cassette/cassette-recorder.ts'
import { replayResponse } from '../cassette/recorded-exchange.ts'
import { type RedactOptions, Redactor } from '../cassette/redaction.ts'
import {
  type InterceptingMock,
  observeResponse,
  type RequestController,
  runInScope,
  startIntercepting,
  stopIntercepting,
} from './interception.ts'
import { isListedHost } from './loopback.ts'
import {
  DeclaredMock,
  type MatchOptions,
  type MockAnswer,
  type MockDeclaration,
  type UrlMatcher,
} from './mock-declaration.ts'
import { readOutboundRequest } from './outbound-request.ts'
import { mismatches } from './request-matching.ts'
import { explainUnmatched, strictFailure, type UnmatchedRequest, unmatchedRequestError } from './strict-errors.ts'

export interface HttpMockOptions {
  /**
   * `mock`: only declared mocks answer. `record`: other requests reach the real server and are
   * written to `cassette`. `replay`: they are answered from `cassette`. `auto`: replay when the
   * cassette exists, else record. `TESTBED_HTTP_MODE` overrides it; with `CI` set nothing records.
   * @default 'mock', or 'auto' when `cassette` is given
   */
  mode?: HttpMockMode
  /** This test's cassette file, for record and replay: see `cassettePath`. */
  cassette?: string
  /**
   * Loopback hosts (`'127.0.0.1:4010'`, `'localhost'`) handled like third-party ones instead of
   * passing through: for tests that stand a local server in for a third-party API, or a local proxy.
   * @default []
   */
  interceptLoopback?: string[]
  /** Names redacted in recordings besides the defaults. */
  redact?: RedactOptions
  /**
   * Values that must never appear in a recorded cassette, e.g. `[process.env.STRIPE_KEY]`
   * (undefined entries are skipped): redacted wherever they appear.
   * @default []
   */
  secrets?: Array<string | undefined>
  /**
   * Places in each recorded interaction kept as they are although they look like secrets (a
   * digest, a public key): `['response.body.json.commit.sha', 'response.headers.etag']`; `*` for
   * any one key or index. The error that refuses a cassette prints the pattern for each place.
   * @default []
   */
  allow?: string[]
}

const MODES: readonly HttpMockMode[] = ['mock', 'record', 'replay', 'auto']

/**
 * Strict mocks for the app's outbound HTTP (fetch, node:http/https, undici, and clients built on
 * them). Requests to loopback pass through. Run the test inside `run()` so that concurrent tests
 * never answer each other's requests; `verify()` fails on unmatched requests and unused mocks.
 * @example
 * await using http = createHttpMock().listen()
 * http.post('https://api.example.com/users').reply(201, { id: 'new-123' })
 * await http.run(() => signUp('test@example.com'))
 * await http.verify()
 */
export function createHttpMock(options: HttpMockOptions = {}): HttpMock {
  if (options.mode !== undefined && !MODES.includes(options.mode)) throw invalidOption('mode', options.mode)
  for (const option of ['interceptLoopback', 'allow'] as const) {
    const value: unknown = options[option]
    if (value !== undefined && !(Array.isArray(value) && value.every((item) => typeof item === 'string')))
      throw invalidOption(option, value)
  }
  return new InterceptingHttpMock(options)
}

/**
 * Strict mocks for outbound HTTP, as a test declares and checks them: what `createHttpMock()` and the
 * `http` fixture give. The interceptor's side (`handle`, `observe`) stays inside testbed.
 * @example
 * await using http = createHttpMock().listen()
 * http.get('https://api.example.com/users/1').reply(200, { id: 1 })
 */
export type HttpMock = Pick<
  InterceptingHttpMock,
  | 'mode'
  | 'get'
  | 'post'
  | 'put'
  | 'patch'
  | 'delete'
  | 'request'
  | 'run'
  | 'close'
  | 'verify'
  | typeof Symbol.asyncDispose
> & {
  /** Starts intercepting: requests made from now on are answered by its mocks. */
  listen(): HttpMock
}

class InterceptingHttpMock implements InterceptingMock, AsyncDisposable {
  readonly id = randomUUID()
  readonly #options: HttpMockOptions
  readonly #declarations: DeclaredMock[] = []
  readonly #unmatched: UnmatchedRequest[] = []
  #mode: 'mock' | 'record' | 'replay' | undefined
  #player: CassettePlayer | undefined
  #recorder: CassetteRecorder | undefined

  constructor(options: HttpMockOptions) {
    this.#options = options
  }

  /** The mode it runs in once listening: `auto` resolved to `record` or `replay`. */
  get mode(): 'mock' | 'record' | 'replay' | undefined {
    return this.#mode
  }

  get(url: UrlMatcher, match?: MatchOptions): MockDeclaration {
    return this.request('GET', url, match)
  }

  post(url: UrlMatcher, match?: MatchOptions): MockDeclaration {
    return this.request('POST', url, match)
  }

  put(url: UrlMatcher, match?: MatchOptions): MockDeclaration {
    return this.request('PUT', url, match)
  }

  patch(url: UrlMatcher, match?: MatchOptions): MockDeclaration {
    return this.request('PATCH', url, match)
  }

  delete(url: UrlMatcher, match?: MatchOptions): MockDeclaration {
    return this.request('DELETE', url, match)
  }

  /** Declares a mock; the first declared mock that matches (and has answers left) answers. */
  request(method: string, url: UrlMatcher, match: MatchOptions = {}): MockDeclaration {
    if (typeof url === 'string') assertAbsoluteUrl(url)
    const declaration = new DeclaredMock(method.toUpperCase(), url, match)
    this.#declarations.push(declaration)
    return declaration
  }

  /** Starts intercepting; reads the cassette in replay mode. Throws when the mode cannot run (e.g. recording in CI). */
  listen(): this {
    if (this.#mode !== undefined) return this
    const { cassette, redact, allow, secrets = [] } = this.#options
    const mode = resolveMode(this.#options.mode, cassette)
    const redactor = new Redactor({ redact, allow, secrets: secrets.filter((secret) => secret !== undefined) })
    if (mode === 'replay' && cassette !== undefined) {
      this.#player = new CassettePlayer(cassette, readCassette(cassette) ?? { version: 1, interactions: [] }, redactor)
    }
    if (mode === 'record' && cassette !== undefined) this.#recorder = new CassetteRecorder(cassette, redactor)
    this.#mode = mode
    startIntercepting(this)
    return this
  }

  /** Stops intercepting. Does not verify: call `verify()` first. */
  async close(): Promise<void> {
    stopIntercepting(this)
    this.#mode = undefined
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  /** Runs `fn` in this mock's scope: the requests it sends, however deep, are this mock's to answer. */
  run<T>(fn: () => T): T {
    if (this.#mode === undefined) throw notListening()
    return runInScope(this, fn)
  }

  /**
   * Throws a TestbedError listing each request no mock answered (with the closest mocks and why
   * each did not match) and each mock not called as declared. In record mode, writes the cassette first.
   */
  async verify(): Promise<void> {
    await this.#recorder?.write()
    const unused = this.#declarations.filter((declaration) => declaration.shortfall !== undefined)
    const failure = strictFailure(this.#unmatched, unused, this.#player?.path)
    if (failure !== undefined) throw failure
  }

  interceptsLoopback(url: URL): boolean {
    return isListedHost(url, this.#options.interceptLoopback ?? [])
  }

  async handle(request: Request, controller: RequestController, requestId: string): Promise<void> {
    const outbound = await readOutboundRequest(request)
    const declaration = this.#declarations.find((candidate) => mismatches(candidate, outbound).length === 0)
    if (declaration !== undefined) return answer(declaration, controller)
    const recorded = this.#player?.take(outbound)
    if (recorded !== undefined) return controller.respondWith(replayResponse(recorded.response))
    if (this.#recorder !== undefined) {
      // Ask for an uncompressed answer, so the cassette stays readable.
      request.headers.delete('accept-encoding')
      this.#recorder.expect(requestId, outbound)
      observeResponse(this, requestId)
      return
    }
    const unmatched = explainUnmatched(outbound, this.#declarations, this.#player?.describeNearest(outbound, '    '))
    this.#unmatched.push(unmatched)
    controller.errorWith(unmatchedRequestError(unmatched, this.#player?.path))
  }

  observe(requestId: string, response: Response): void {
    this.#recorder?.observe(requestId, response)
  }
}

async function answer(declaration: DeclaredMock, controller: RequestController): Promise<void> {
  declaration.calls++
  if (declaration.delayMs > 0) await sleep(declaration.delayMs)
  const { answer } = declaration
  if (answer.kind === 'error') controller.errorWith(answer.error)
  else controller.respondWith(toResponse(answer))
}

function toResponse({ status, body, headers }: Extract<MockAnswer, { kind: 'reply' }>): Response {
  const response = new Headers(headers)
  if ([204, 205, 304].includes(status) || body === undefined || body === null) {
    return new Response(null, { status, headers: response })
  }
  if (typeof body === 'string' || body instanceof Uint8Array || body instanceof ArrayBuffer) {
    if (typeof body === 'string' && !response.has('content-type'))
      response.set('content-type', 'text/plain; charset=utf-8')
    return new Response(body, { status, headers: response })
  }
  if (!response.has('content-type')) response.set('content-type', 'application/json')
  return new Response(JSON.stringify(body), { status, headers: response })
}

function assertAbsoluteUrl(url: string): void {
  if (URL.canParse(url)) return
  throw new TestbedError('TESTBED_HTTP_INVALID_MOCK', {
    what: 'A mock URL must be absolute',
    subject: `'${url}'`,
    why: 'Outbound requests go to a full URL, so the mock names the scheme and host too',
    fix: "Write it whole, e.g. 'https://api.example.com/users', or match the path with a RegExp or a URLPattern",
  })
}

function notListening(): TestbedError {
  return new TestbedError('TESTBED_HTTP_NOT_LISTENING', {
    what: 'http.run() before http.listen()',
    why: 'Until it listens, the mock intercepts nothing, and requests would reach the network',
    fix: 'Call `http.listen()` first (the `http` fixture does)',
  })
}

const EXPECTED: Record<string, string> = {
  mode: MODES.map((mode) => `\`${mode}\``).join(', '),
  interceptLoopback: 'an array of host names',
  allow: "an array of places in an interaction, such as `'response.body.json.sha'`",
}

function invalidOption(option: string, value: unknown): TestbedError {
  return new TestbedError('TESTBED_HTTP_INVALID_OPTION', {
    what: 'Invalid option of createHttpMock()',
    subject: `\`${option}\``,
    why: `\`${option}\` takes ${EXPECTED[option]}, got ${describeValue(value)}`,
    fix: `Fix \`${option}\`, or leave it out for the default`,
  })
}
