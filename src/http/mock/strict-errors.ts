// The failures of strict mocks: a request no mock answers, a mock not called as declared.
import { TestbedError } from '../../core/errors.ts'
import { describeBody } from '../message-text.ts'
import type { DeclaredMock } from './mock-declaration.ts'
import type { OutboundRequest } from './outbound-request.ts'
import { closestMocks, describeMismatches } from './request-matching.ts'

/** A request no mock answered, with why, as it stood when it was sent. */
export interface UnmatchedRequest {
  request: OutboundRequest
  /** Indented lines: the body, the closest mocks, the nearest recorded request. */
  explanation: string[]
}

const INDENT = '    '

/** Explains why no mock in `declarations` answered `request`. */
export function explainUnmatched(
  request: OutboundRequest,
  declarations: readonly DeclaredMock[],
  nearestRecorded: string[] = [],
): UnmatchedRequest {
  const lines: string[] = []
  if (request.body.byteLength > 0) {
    lines.push(`${INDENT}body: ${describeBody(request.body, request.headers.get('content-type'))}`)
  }
  const ranked = closestMocks(declarations, request)
  if (ranked.length === 0 && nearestRecorded.length === 0)
    lines.push(`${INDENT}closest mock: none, no mock is declared`)
  ranked.forEach(({ declaration, mismatches }, index) => {
    const label = index === 0 ? 'closest mock' : 'next closest'
    lines.push(`${INDENT}${label}: ${declaration.describe()}: ${describeMismatches(mismatches)}`)
  })
  lines.push(...nearestRecorded)
  return { request, explanation: lines }
}

/** What the app gets for an unmatched request (fetch reports it as the `cause` of its TypeError). */
export function unmatchedRequestError(unmatched: UnmatchedRequest, cassette: string | undefined): TestbedError {
  const { request } = unmatched
  return new TestbedError('TESTBED_HTTP_UNMATCHED_REQUEST', {
    what: 'Outbound request matched no mock',
    subject: `${request.method} ${request.url.href}`,
    why: unmatchedWhy(cassette),
    fix: unmatchedFix(cassette),
    details: [describeUnmatched(unmatched)],
  })
}

/** The error `verify()` throws, or undefined when every request matched and every mock was called as declared. */
export function strictFailure(
  unmatched: readonly UnmatchedRequest[],
  unused: readonly DeclaredMock[],
  cassette: string | undefined,
): TestbedError | undefined {
  if (unmatched.length === 0 && unused.length === 0) return undefined
  const counts = [plural(unmatched.length, 'unmatched request'), plural(unused.length, 'unused mock')]
  const details = [
    ...unmatched.map(describeUnmatched),
    ...unused.map((declaration) => `unused: ${declaration.describe()}: ${declaration.shortfall}`),
  ]
  const parts = unmatched.length === 0 ? unusedParts() : unused.length === 0 ? unmatchedParts(cassette) : bothParts()
  return new TestbedError(unmatched.length > 0 ? 'TESTBED_HTTP_UNMATCHED_REQUEST' : 'TESTBED_HTTP_UNUSED_MOCK', {
    what: 'Outbound HTTP did not go as mocked',
    subject: counts.filter((count) => count !== '').join(', '),
    ...parts,
    details,
  })
}

function describeUnmatched({ request, explanation }: UnmatchedRequest): string {
  return [`unmatched: ${request.method} ${request.url.href}`, ...explanation].join('\n')
}

function unmatchedParts(cassette: string | undefined) {
  return { why: unmatchedWhy(cassette), fix: unmatchedFix(cassette) }
}

function unmatchedWhy(cassette: string | undefined): string {
  const source =
    cassette === undefined
      ? 'No declared mock matches it'
      : `No declared mock matches it, nor an unused recording in ${cassette}`
  return `${source}: testbed failed the request, and fails the test even if the app caught the error`
}

function unmatchedFix(cassette: string | undefined): string {
  if (cassette === undefined) return 'Declare a mock for it, or fix the closest mock shown'
  return 'Fix the code, or record the cassette again with `TESTBED_HTTP_MODE=record` if the request changed on purpose'
}

function unusedParts() {
  return {
    why: 'Every declared mock must answer at least once, or exactly n times with `.times(n)`',
    fix: 'Find out why the code did not send the request, or remove the mock, or mark it `.optional()`',
  }
}

function bothParts() {
  return {
    why: 'Strict mocks fail the test when a request matches no mock (testbed failed it, even if the app caught the error) and when a mock is not called as declared',
    fix: 'Declare or fix a mock for each unmatched request, and remove each unused mock or mark it `.optional()`',
  }
}

function plural(count: number, noun: string): string {
  if (count === 0) return ''
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}
