// The network guard of integration tests: outbound traffic no http mock answers is failed (or let
// through, with or without a warning) before it reaches the network. HTTP is caught by the
// interceptor the mocks use, applied on the first connect to a host other than loopback and held
// for the rest of the process; what is not HTTP, by a guard of dns.lookup.
import type { UnhandledHttpSetting } from '../../core/config.ts'
import { type GuardState, runInGuardedScope, scopes } from '../mock/http-scope.ts'
import { holdInterception, isIntercepting } from '../mock/interception.ts'
import { isLoopback } from '../mock/loopback.ts'
import { trapFirstConnect } from './connect-trap.ts'
import { guardDnsLookups } from './dns-guard.ts'
import { unhandledTraffic } from './unhandled-errors.ts'
import { decideLookup } from './unhandled-traffic.ts'

let uninstall: (() => void) | undefined

/**
 * Runs `fn` as one guarded test (or file): what it sends that no mock answers follows `policy`.
 * Throws after `fn` when the guard failed any of it, even if the app caught the error.
 * @example aroundEach((runTest) => runGuarded('error', runTest))
 */
export async function runGuarded<T>(policy: UnhandledHttpSetting, fn: () => T | Promise<T>): Promise<T> {
  const guard: GuardState = { policy, failed: [], warned: new Set() }
  installNetworkGuard()
  const result = await runInGuardedScope(guard, fn)
  if (guard.failed.length > 0) throw unhandledTraffic(guard.failed)
  return result
}

/** Changes the policy of the guarded test this runs in (the `unhandledHttp` fixture set by `test.override`). */
export function setGuardPolicy(policy: UnhandledHttpSetting): void {
  const guard = scopes.getStore()?.guard
  if (guard === undefined) return
  guard.policy = policy
}

/**
 * Guards DNS lookups, and traps connects to load the interceptor on the first one to a host other
 * than loopback, for the rest of the process. Even under `bypass`: a connection opened without
 * the interceptor would be reused later (keep-alive) by a test that must not reach the network.
 */
export function installNetworkGuard(): void {
  if (uninstall !== undefined) return
  // Applied already (a mock listens): hold it, since its disposal would take a trap set over it away too.
  let release = isIntercepting() ? holdInterception() : undefined
  const restoreLookups = guardDnsLookups(decideLookup)
  const restoreConnect = trapFirstConnect(
    (host) => !isLoopback(host),
    () => {
      release ??= holdInterception()
    },
  )
  uninstall = () => {
    restoreConnect()
    restoreLookups()
    release?.()
  }
}

/** Takes the guard away again: for tests of the guard itself and benchmarks. */
export function uninstallNetworkGuard(): void {
  uninstall?.()
  uninstall = undefined
}
