// What the network guard does with traffic of a guarded test that no mock answers: HTTP requests
// (from the interceptor) and DNS lookups (from the lookup guard), each failed or let through as
// the test's policy says. Loopback always passes.
import { isIP } from 'node:net'
import type { TestbedError } from '../../core/errors.ts'
import { type GuardState, scopes } from '../mock/http-scope.ts'
import type { RequestController } from '../mock/interception.ts'
import { isLoopback } from '../mock/loopback.ts'
import { unhandledLookup, unhandledRequest, warnLetThrough } from './unhandled-errors.ts'

/** A request to a host on the network that no mock answers: failed or let through, as its scope's guard says. */
export function handleUnhandledRequest(request: Request, controller: RequestController): void {
  const guard = scopes.getStore()?.guard
  const subject = `${request.method} ${request.url}`
  if (guard === undefined || letsThrough(guard, new URL(request.url).hostname, subject)) return
  controller.errorWith(fail(guard, subject, unhandledRequest(request.method, request.url)))
}

/** A DNS lookup (a driver, a raw socket, a request a recording mock let through): loopback and IPs always pass. */
export function decideLookup(hostname: string): Error | undefined {
  if (isIP(hostname) !== 0 || isLoopback(hostname)) return undefined
  const scope = scopes.getStore()
  const guard = scope?.guard
  // A recording mock lets the requests it does not answer through, on purpose.
  if (guard === undefined || scope?.mock?.mode === 'record') return undefined
  const subject = `DNS lookup of ${hostname}`
  return letsThrough(guard, hostname, subject) ? undefined : fail(guard, subject, unhandledLookup(hostname))
}

/** Whether the guard lets the traffic of `guard`'s scope through; warns once per host when its policy says so. */
function letsThrough(guard: GuardState, host: string, description: string): boolean {
  if (guard.policy === 'bypass') return true
  if (guard.policy === 'error') return false
  if (!guard.warned.has(host)) {
    guard.warned.add(host)
    warnLetThrough(description)
  }
  return true
}

function fail(guard: GuardState, subject: string, error: TestbedError): TestbedError {
  guard.failed.push({ subject, error })
  return error
}
