// The async scopes tests run in, apart from the interceptor, so that wrapping every test in a
// scope (testbed/vitest does) costs nothing until a test actually mocks HTTP.
import { AsyncLocalStorage } from 'node:async_hooks'
import type { UnhandledHttpSetting } from '../../core/config.ts'

/** What a scope needs of a mock; interception.ts's InterceptingMock extends it. */
export interface ScopedMock {
  readonly id: string
  /** `record` lets the requests it does not answer reach the network, on purpose. */
  readonly mode?: 'mock' | 'record' | 'replay' | undefined
}

/** The network guard of one integration test (or file): its policy, and what it stopped or warned about. */
export interface GuardState {
  policy: UnhandledHttpSetting
  /** The requests and lookups it failed, in order (`GET https://…`, `DNS lookup of …`): the test fails with them at its end. */
  readonly failed: Array<{ subject: string; error: Error }>
  /** Hosts already warned about, so a request and the lookup it causes warn once. */
  readonly warned: Set<string>
}

/** An async scope; `mock` is unset until a mock starts listening inside it, or for good when none does. */
export interface Scope<Mock extends ScopedMock = ScopedMock> {
  mock: Mock | undefined
  /** Set inside an integration test: what happens to the requests of this scope that no mock answers. */
  readonly guard?: GuardState
}

// biome-ignore lint/suspicious/noExplicitAny: one store for every mock type; interception.ts narrows it.
export const scopes = new AsyncLocalStorage<Scope<any>>()

/** Runs `fn` so that the requests it sends, however deep, are answered by `mock`. */
export function runInScope<T>(mock: ScopedMock, fn: () => T): T {
  return scopes.run({ mock, guard: scopes.getStore()?.guard }, fn)
}

/**
 * Runs `fn` in a scope of its own, for a test: the first mock that starts listening inside it
 * answers the requests sent inside it; while none does, they are left alone, whatever other tests
 * mock at the same time (or, inside an integration test, treated as its network guard says).
 * @example aroundEach((runTest) => runInHttpScope(runTest))
 */
export function runInHttpScope<T>(fn: () => T): T {
  return scopes.run({ mock: undefined, guard: scopes.getStore()?.guard }, fn)
}

/** Runs `fn` as one guarded test: requests no mock answers follow `guard`. */
export function runInGuardedScope<T>(guard: GuardState, fn: () => T): T {
  return scopes.run({ mock: undefined, guard }, fn)
}
