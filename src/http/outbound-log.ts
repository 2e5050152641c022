// Which outbound requests a test sent and what became of them, for the run report. A test's log is
// an async-local list; the interceptor adds a request to it once it knows the request leaves the
// machine (loopback ones do not), then fills in the answer: a mock's, an error, or the network's.
import { AsyncLocalStorage } from 'node:async_hooks'
import { describeCause } from '../core/errors.ts'

/** One outbound request of a test. */
export interface OutboundCall {
  method: string
  /** Scheme, host and path; a query string is shown as `?…`, since it may hold keys. */
  url: string
  /** `mocked`: a mock or a cassette answered; `failed`: it was failed (no mock matched, the network guard); `network`: it went out. */
  outcome: 'mocked' | 'failed' | 'network'
  status?: number
  /** Why it failed: the error's code, or its first line. */
  detail?: string
}

/** The part of the interceptor's request controller the log wraps. */
interface Controller {
  respondWith(response: Response): void
  errorWith(reason?: unknown): void
}

// One store per process, whichever copy of this module (native or Vite's module runner) asks.
const KEY = Symbol.for('testbed.http.outbound-log')
const holder = globalThis as Record<symbol, AsyncLocalStorage<OutboundCall[]> | undefined>
holder[KEY] ??= new AsyncLocalStorage<OutboundCall[]>()
const logs = holder[KEY]
/** Requests let through to the network, by the interceptor's request id, until their response arrives. */
const awaitingResponse = new Map<string, OutboundCall>()

/** Runs `fn` so that the outbound requests it sends are added to `log`. */
export function runWithOutboundLog<T>(log: OutboundCall[], fn: () => T): T {
  return logs.run(log, fn)
}

/** Adds the request to the current test's log, if any, and returns the controller that records its outcome. */
export function logOutbound(request: Request, requestId: string, controller: Controller): Controller {
  const log = logs.getStore()
  if (log === undefined) return controller
  const call: OutboundCall = { method: request.method, url: shownUrl(request.url), outcome: 'network' }
  log.push(call)
  awaitingResponse.set(requestId, call)
  return {
    respondWith(response: Response) {
      awaitingResponse.delete(requestId)
      Object.assign(call, { outcome: 'mocked', status: response.status })
      controller.respondWith(response)
    },
    errorWith(reason?: unknown) {
      awaitingResponse.delete(requestId)
      Object.assign(call, { outcome: 'failed', detail: describeFailure(reason) })
      controller.errorWith(reason)
    },
  }
}

/** The network's answer to a request the log let through. */
export function logOutboundResponse(requestId: string, status: number): void {
  const call = awaitingResponse.get(requestId)
  awaitingResponse.delete(requestId)
  if (call !== undefined) call.status = status
}

function shownUrl(url: string): string {
  const parsed = new URL(url)
  return `${parsed.origin}${parsed.pathname}${parsed.search === '' ? '' : '?…'}`
}

function describeFailure(reason: unknown): string {
  const code = (reason as { code?: unknown } | null)?.code
  if (typeof code === 'string' && code.startsWith('TESTBED_')) return code
  return describeCause(reason).split('\n')[0] ?? ''
}
