import { describeBody, truncate } from '../message-text.ts'
import type { DeclaredMock, MatchOptions, UrlMatcher, ValueMatcher } from './mock-declaration.ts'
import { bodyAsJson, NOT_JSON, type OutboundRequest } from './outbound-request.ts'

/** Why a declared mock did not match a request, with a weight for ranking the closest mocks. */
export interface Mismatch {
  text: string
  weight: number
}

/** A URL or method that differs weighs more than a field: the closest mock is the one aimed at the same endpoint. */
const WEIGHT = { url: 8, method: 4, detail: 1 } as const
/** Field differences listed per mock; the rest are counted. */
const SHOWN_DIFFERENCES = 3

/** Every reason `declaration` does not answer `request`; empty when it does. */
export function mismatches(declaration: DeclaredMock, request: OutboundRequest): Mismatch[] {
  const found: Mismatch[] = []
  const urlMismatch = urlDifference(declaration.url, request.url)
  if (urlMismatch !== undefined) found.push({ text: urlMismatch, weight: WEIGHT.url })
  if (declaration.method !== request.method) {
    found.push({ text: `method: expected ${declaration.method}, got ${request.method}`, weight: WEIGHT.method })
  }
  const details = detailDifferences(withUrlQuery(declaration.url, declaration.match), request)
  found.push(...details.map((text) => ({ text, weight: WEIGHT.detail })))
  if (found.length === 0 && declaration.exhausted) {
    found.push({ text: `already answered its ${declaration.calls} times`, weight: WEIGHT.detail })
  }
  return found
}

export interface RankedMock {
  declaration: DeclaredMock
  mismatches: Mismatch[]
}

/** The declared mocks nearest to matching `request`, closest first. */
export function closestMocks(declarations: readonly DeclaredMock[], request: OutboundRequest, limit = 2): RankedMock[] {
  const score = (ranked: RankedMock) => ranked.mismatches.reduce((sum, mismatch) => sum + mismatch.weight, 0)
  return declarations
    .map((declaration) => ({ declaration, mismatches: mismatches(declaration, request) }))
    .sort((a, b) => score(a) - score(b))
    .slice(0, limit)
}

/** `method: expected GET, got POST; query `page`: …`, the first few reasons and a count of the others. */
export function describeMismatches(found: readonly Mismatch[]): string {
  const shown = found.slice(0, SHOWN_DIFFERENCES).map((mismatch) => mismatch.text)
  if (found.length > SHOWN_DIFFERENCES) shown.push(`${found.length - SHOWN_DIFFERENCES} more differences`)
  return shown.join('; ')
}

function urlDifference(expected: UrlMatcher, url: URL): string | undefined {
  if (expected instanceof RegExp)
    return expected.test(url.href) ? undefined : `URL: ${url.href} does not match ${expected}`
  if (typeof expected !== 'string') {
    return expected.test(url.href) ? undefined : `URL: ${url.href} does not match the URLPattern`
  }
  const declared = new URL(expected)
  if (declared.origin === url.origin && declared.pathname === url.pathname) return undefined
  return `URL: expected ${declared.origin}${declared.pathname}, got ${url.origin}${url.pathname}`
}

/** The query parameters written in a string URL are required like those of the `query` option. */
function withUrlQuery(url: UrlMatcher, match: MatchOptions): MatchOptions {
  if (typeof url !== 'string' || !url.includes('?')) return match
  return { ...match, query: { ...Object.fromEntries(new URL(url).searchParams), ...match.query } }
}

function detailDifferences(match: MatchOptions, request: OutboundRequest): string[] {
  const differences: string[] = []
  for (const [name, expected] of Object.entries(match.query ?? {})) {
    const got = request.url.searchParams.get(name)
    if (!valueMatches(expected, got)) differences.push(`query \`${name}\`: ${expectedGot(expected, got)}`)
  }
  for (const [name, expected] of Object.entries(match.headers ?? {})) {
    const got = request.headers.get(name)
    if (!valueMatches(expected, got))
      differences.push(`header \`${name.toLowerCase()}\`: ${expectedGot(expected, got)}`)
  }
  if (match.json !== undefined) differences.push(...jsonDifferences(match.json, request))
  if (match.body !== undefined) {
    const text = new TextDecoder().decode(request.body)
    const matches = typeof match.body === 'string' ? text === match.body : match.body.test(text)
    if (!matches) differences.push(`body: ${expectedGot(match.body, describeBody(request.body))}`)
  }
  return differences
}

function jsonDifferences(expected: unknown, request: OutboundRequest): string[] {
  const got = bodyAsJson(request)
  if (got === NOT_JSON) {
    const contentType = request.headers.get('content-type') ?? 'no content-type'
    return [`body: expected JSON, got ${contentType} ${describeBody(request.body)}`]
  }
  return jsonFieldDifferences(expected, got, '')
}

/** Partial comparison: fields of `expected` objects must be equal in `got`; arrays are compared item by item. */
function jsonFieldDifferences(expected: unknown, got: unknown, path: string): string[] {
  const here = path === '' ? 'json' : `json \`${path}\``
  if (Array.isArray(expected)) {
    if (!Array.isArray(got)) return [`${here}: expected an array, got ${describeJson(got)}`]
    if (got.length !== expected.length) return [`${here}: expected ${expected.length} items, got ${got.length}`]
    return expected.flatMap((item, index) => jsonFieldDifferences(item, got[index], `${path}[${index}]`))
  }
  if (isPlainObject(expected)) {
    if (!isPlainObject(got)) return [`${here}: expected an object, got ${describeJson(got)}`]
    return Object.entries(expected).flatMap(([key, item]) =>
      key in got
        ? jsonFieldDifferences(item, got[key], path === '' ? key : `${path}.${key}`)
        : [`json \`${path === '' ? key : `${path}.${key}`}\`: expected ${describeJson(item)}, got none`],
    )
  }
  return Object.is(expected, got) ? [] : [`${here}: expected ${describeJson(expected)}, got ${describeJson(got)}`]
}

function valueMatches(expected: ValueMatcher, got: string | null): boolean {
  if (got === null) return false
  return expected instanceof RegExp ? expected.test(got) : String(expected) === got
}

function expectedGot(expected: ValueMatcher, got: string | null): string {
  const shown = expected instanceof RegExp ? String(expected) : JSON.stringify(String(expected))
  return `expected ${shown}, got ${got === null ? 'none' : JSON.stringify(got)}`
}

function describeJson(value: unknown): string {
  return value === undefined ? 'none' : truncate(JSON.stringify(value), 80)
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}
