import { TestbedError } from '../../core/errors.ts'
import { type ApiResponse, unexpectedStatus } from './api-response.ts'

/** The part of Vitest's matcher state these matchers read. */
interface MatcherState {
  isNot: boolean
}

interface MatcherResult {
  pass: boolean
  message: () => string
  actual?: unknown
  expected?: unknown
}

/**
 * Vitest matchers for `ApiResponse`, whose failure shows the request and the response.
 * @example
 * expect.extend(httpMatchers)
 * expect(res).toHaveStatus(201)
 */
export const httpMatchers = {
  toHaveStatus(this: MatcherState, received: unknown, expected: number): MatcherResult {
    if (!isApiResponse(received)) {
      return {
        pass: false,
        message: () =>
          new TestbedError('TESTBED_HTTP_NOT_A_RESPONSE', {
            what: 'toHaveStatus() expects the response of an `api` request',
            subject: received === null ? 'null' : typeof received,
            why: 'It shows the request and the response when the status differs, so it needs an ApiResponse',
            fix: 'Pass what `await api.get(…)` returned',
          }).message,
      }
    }
    const pass = received.status === expected
    return {
      pass,
      message: () => unexpectedStatus(received, expected, this.isNot).message,
      actual: received.status,
      expected,
    }
  },
}

/** Duck-typed: a second copy of testbed (one inlined by Vite, one not) has its own class. */
function isApiResponse(value: unknown): value is ApiResponse {
  const candidate = value as Partial<ApiResponse> | null
  return (
    typeof candidate?.status === 'number' && typeof candidate.bytes === 'function' && candidate.request !== undefined
  )
}

/**
 * The matchers' types, to merge into Vitest's:
 * `declare module 'vitest' { interface Matchers<R extends void | Promise<void> = void | Promise<void>, T = unknown> extends HttpMatchers<R> {} }`
 */
export interface HttpMatchers<R = unknown> {
  /** Passes when the response status is `status`; the failure shows the request and the response. */
  toHaveStatus(status: number): R
}
