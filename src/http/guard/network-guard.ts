// The network guard of integration tests: outbound traffic no http mock answers is failed (or let
// through, with or without a warning) before it reaches the network. It rides on the interception
// the mocks use, held applied for the rest of the process once a guarded test runs, and on a
// guard of dns.lookup for what is not HTTP.
import { isIP } from 'node:net'
import type { UnhandledHttpSetting } from '../../core/config.ts'
import type { TestbedError } from '../../core/errors.ts'
import { type GuardState, runInGuardedScope, scopes } from '../mock/http-scope.ts'
import type { RequestController } from '../mock/interception.ts'
import { isLoopback } from '../mock/loopback.ts'
import { guardDnsLookups } from './dns-guard.ts'
import { letsThrough, unhandledLookup, unhandledRequest, unhandledTraffic } from './unhandled-traffic.ts'

let installed: Promise<() => void> | undefined

/**
 * Runs `fn` as one guarded test (or file): what it sends that no mock answers follows `policy`.
 * Throws after `fn` when the guard failed any of it, even if the app caught the error.
 * @example aroundEach((runTest) => runGuarded('error', runTest))
 */
export async function runGuarded<T>(policy: UnhandledHttpSetting, fn: () => T | Promise<T>): Promise<T> {
  const guard: GuardState = { policy, failed: [], warned: new Set() }
  if (policy !== 'bypass') await installNetworkGuard()
  const result = await runInGuardedScope(guard, fn)
  if (guard.failed.length > 0) throw unhandledTraffic(guard.failed)
  return result
}

/** Changes the policy of the guarded test this runs in (the `unhandledHttp` fixture set by `test.override`). */
export async function setGuardPolicy(policy: UnhandledHttpSetting): Promise<void> {
  const guard = scopes.getStore()?.guard
  if (guard === undefined) return
  guard.policy = policy
  if (policy !== 'bypass') await installNetworkGuard()
}

/** Applies the interception and the DNS guard for the rest of the process; resolves once they are in place. */
export async function installNetworkGuard(): Promise<void> {
  installed ??= (async () => {
    const { holdInterception } = await import('../mock/interception.ts')
    const release = holdInterception()
    const restoreLookups = guardDnsLookups(decideLookup)
    return () => {
      restoreLookups()
      release()
    }
  })()
  await installed
}

/** Takes the guard away again: for tests of the guard itself and benchmarks. */
export async function uninstallNetworkGuard(): Promise<void> {
  const uninstall = await installed
  installed = undefined
  uninstall?.()
}

/** A request to a host on the network that no mock answers: failed or let through, as its scope's guard says. */
export function handleUnhandledRequest(request: Request, controller: RequestController): void {
  const guard = scopes.getStore()?.guard
  const subject = `${request.method} ${request.url}`
  if (guard === undefined || letsThrough(guard, new URL(request.url).hostname, subject)) return
  controller.errorWith(fail(guard, subject, unhandledRequest(request.method, request.url)))
}

/** A DNS lookup (a driver, a raw socket, a request a recording mock let through): loopback and IPs always pass. */
function decideLookup(hostname: string): Error | undefined {
  if (isIP(hostname) !== 0 || isLoopback(hostname)) return undefined
  const scope = scopes.getStore()
  const guard = scope?.guard
  // A recording mock lets the requests it does not answer through, on purpose.
  if (guard === undefined || scope?.mock?.mode === 'record') return undefined
  const subject = `DNS lookup of ${hostname}`
  return letsThrough(guard, hostname, subject) ? undefined : fail(guard, subject, unhandledLookup(hostname))
}

function fail(guard: GuardState, subject: string, error: TestbedError): TestbedError {
  guard.failed.push({ subject, error })
  return error
}
