// One process-wide interceptor, applied while at least one mock listens (or for good once the
// network guard of integration tests needs it), hands each outbound request to the mock whose
// async scope sent it, or to the scope's network guard when no mock owns it.
import diagnostics from 'node:diagnostics_channel'
import { createRequire } from 'node:module'
import type { HttpRequestInterceptor } from '@mswjs/interceptors/http'
import { TestbedError } from '../../core/errors.ts'
import { handleUnhandledRequest } from '../guard/unhandled-traffic.ts'
import { logOutbound, logOutboundResponse } from '../outbound-log.ts'
import { type Scope, scopes } from './http-scope.ts'
import { isLoopback } from './loopback.ts'

export { runInHttpScope, runInScope } from './http-scope.ts'

/** The part of @mswjs/interceptors' request controller a mock uses. */
export interface RequestController {
  respondWith(response: Response): void
  errorWith(reason?: unknown): void
}

/** What the interceptor needs from a mock (HttpMock implements it). */
export interface InterceptingMock {
  readonly id: string
  /** Whether the mock takes requests to this loopback URL instead of letting them through. */
  interceptsLoopback(url: URL): boolean
  handle(request: Request, controller: RequestController, requestId: string): Promise<void>
  /** A response from the real server to a request the mock let through. */
  observe(requestId: string, response: Response): void
}

const SCOPE_HEADER = 'x-testbed-http-scope'
const listening = new Map<string, InterceptingMock>()
let active: { interceptor: HttpRequestInterceptor; unsubscribe: () => void } | undefined
/** Set while the network guard holds the interceptor applied, mocks listening or not. */
let held = false

/** Mocks that let a request through and want to see its response, by request id. */
const observers = new Map<string, InterceptingMock>()

/** Lets `mock` see the real response to `requestId` once (for recording). */
export function observeResponse(mock: InterceptingMock, requestId: string): void {
  observers.set(requestId, mock)
}

/** Starts intercepting for `mock`, which takes over the enclosing `runInHttpScope` scope if that has no mock yet. */
export function startIntercepting(mock: InterceptingMock): void {
  const scope = scopes.getStore()
  if (scope !== undefined && scope.mock === undefined) scope.mock = mock
  listening.set(mock.id, mock)
  active ??= applyInterceptor()
}

export function stopIntercepting(mock: InterceptingMock): void {
  listening.delete(mock.id)
  for (const [requestId, observer] of observers) if (observer === mock) observers.delete(requestId)
  disposeWhenIdle()
}

/** Keeps the interceptor applied whether mocks listen or not, until the returned function releases it. */
export function holdInterception(): () => void {
  held = true
  active ??= applyInterceptor()
  return () => {
    held = false
    disposeWhenIdle()
  }
}

/** Whether the interceptor is applied now. */
export function isIntercepting(): boolean {
  return active !== undefined
}

function disposeWhenIdle(): void {
  if (held || listening.size > 0 || active === undefined) return
  active.unsubscribe()
  active.interceptor.dispose()
  active = undefined
}

function applyInterceptor() {
  // Loaded on first use, synchronously (the network guard applies it from inside a socket connect):
  // importing it costs each worker about 150 ms.
  const { HttpRequestInterceptor: Interceptor } = createRequire(import.meta.url)(
    '@mswjs/interceptors/http',
  ) as typeof import('@mswjs/interceptors/http')
  const interceptor = new Interceptor()
  interceptor.apply()
  interceptor.on('request', ({ request, controller, requestId }) => route(request, controller, requestId))
  interceptor.on('response', ({ response, requestId, responseType }) => {
    if (responseType === 'original') logOutboundResponse(requestId, response.status)
    const observer = observers.get(requestId)
    observers.delete(requestId)
    if (responseType === 'original') observer?.observe(requestId, response)
  })
  // An undici client writes a queued request from the context of the response before it, so the
  // request's own context is caught when undici creates it, and carried in a header the route strips.
  const onUndiciRequest = (message: unknown) => {
    const mock = scopes.getStore()?.mock
    if (mock !== undefined) (message as UndiciRequestCreate).request.addHeader(SCOPE_HEADER, mock.id)
  }
  diagnostics.subscribe('undici:request:create', onUndiciRequest)
  return { interceptor, unsubscribe: () => diagnostics.unsubscribe('undici:request:create', onUndiciRequest) }
}

interface UndiciRequestCreate {
  request: { addHeader(name: string, value: string): unknown }
}

async function route(request: Request, controller: RequestController, requestId: string): Promise<void> {
  const taggedId = request.headers.get(SCOPE_HEADER)
  request.headers.delete(SCOPE_HEADER)
  const url = new URL(request.url)
  const owner = ownerOf(taggedId, scopes.getStore())
  if (isLoopback(url.hostname) && !(owner.kind === 'mock' && owner.mock.interceptsLoopback(url))) return
  const logged = logOutbound(request, requestId, controller)
  if (owner.kind === 'mock') return owner.mock.handle(request, logged, requestId)
  if (owner.kind === 'unmocked') return handleUnhandledRequest(request, logged)
  logged.errorWith(owner.kind === 'ended' ? scopeEnded(request) : noScope(request))
}

type Owner = { kind: 'mock'; mock: InterceptingMock } | { kind: 'ended' | 'unmocked' | 'unknown' }

/**
 * Who answers: the mock the request was tagged with or its async scope's (`ended` once it closed;
 * `unmocked` in a test scope no mock took, left to its network guard), else the only listening
 * mock; `unknown` among several, `unmocked` when none listens.
 */
function ownerOf(taggedId: string | null, scope: Scope<InterceptingMock> | undefined): Owner {
  const scopedId = taggedId ?? scope?.mock?.id
  if (scopedId !== undefined) {
    const mock = listening.get(scopedId)
    return mock === undefined ? { kind: 'ended' } : { kind: 'mock', mock }
  }
  if (scope !== undefined || listening.size === 0) return { kind: 'unmocked' }
  const [only] = listening.values()
  return listening.size === 1 && only !== undefined ? { kind: 'mock', mock: only } : { kind: 'unknown' }
}

function noScope(request: Request): TestbedError {
  return new TestbedError('TESTBED_HTTP_NO_SCOPE', {
    what: 'Outbound request outside any http mock scope',
    subject: `${request.method} ${request.url}`,
    why: `${listening.size} http mocks are listening (tests running at the same time), and the request was not sent inside \`http.run(...)\` of any of them, so no mock may answer it`,
    fix: 'Send it from the test (the `http` fixture runs each test in its scope), or wrap the code in `http.run(() => …)`',
  })
}

function scopeEnded(request: Request): TestbedError {
  return new TestbedError('TESTBED_HTTP_SCOPE_ENDED', {
    what: "Outbound request after its test's http mock closed",
    subject: `${request.method} ${request.url}`,
    why: 'It comes from work the test started and did not wait for',
    fix: 'Await that work in the test, or stop it before the test ends',
  })
}
