// The async scopes tests run in, apart from the interceptor, so that wrapping every test in a
// scope (testbed/vitest does) costs nothing until a test actually mocks HTTP.
import { AsyncLocalStorage } from 'node:async_hooks'

/** What a scope needs of a mock; interception.ts's InterceptingMock extends it. */
export interface ScopedMock {
  readonly id: string
}

/** An async scope; `mock` is unset until a mock starts listening inside it, or for good when none does. */
export interface Scope<Mock extends ScopedMock = ScopedMock> {
  mock: Mock | undefined
}

// biome-ignore lint/suspicious/noExplicitAny: one store for every mock type; interception.ts narrows it.
export const scopes = new AsyncLocalStorage<Scope<any>>()

/** Runs `fn` so that the requests it sends, however deep, are answered by `mock`. */
export function runInScope<T>(mock: ScopedMock, fn: () => T): T {
  return scopes.run({ mock }, fn)
}

/**
 * Runs `fn` in a scope of its own, for a test: the first mock that starts listening inside it
 * answers the requests sent inside it; while none does, they are left alone, whatever other tests
 * mock at the same time.
 * @example aroundEach((runTest) => runInHttpScope(runTest))
 */
export function runInHttpScope<T>(fn: () => T): T {
  return scopes.run({ mock: undefined }, fn)
}
