import { describe, expect, test } from 'vitest'
import { DeclaredMock } from './mock-declaration.ts'
import type { OutboundRequest } from './outbound-request.ts'
import { closestMocks, describeMismatches, mismatches } from './request-matching.ts'

function outbound(
  method: string,
  url: string,
  options: { json?: unknown; headers?: Record<string, string> } = {},
): OutboundRequest {
  const headers = new Headers(options.headers)
  if (options.json !== undefined) headers.set('content-type', 'application/json')
  const body = options.json === undefined ? new Uint8Array() : new TextEncoder().encode(JSON.stringify(options.json))
  return { method, url: new URL(url), headers, body }
}

const reasons = (declaration: DeclaredMock, request: OutboundRequest) =>
  mismatches(declaration, request).map((mismatch) => mismatch.text)

describe('mismatches', () => {
  test('a string URL matches origin and path; its query parameters are required, others allowed', () => {
    const declaration = new DeclaredMock('GET', 'https://api.example.com/users?page=2', {})
    expect(reasons(declaration, outbound('GET', 'https://api.example.com/users?page=2&sort=name'))).toEqual([])
    expect(reasons(declaration, outbound('GET', 'https://api.example.com/users?page=3'))).toEqual([
      'query `page`: expected "2", got "3"',
    ])
    expect(reasons(declaration, outbound('POST', 'https://api.example.com/accounts?page=2'))).toEqual([
      'URL: expected https://api.example.com/users, got https://api.example.com/accounts',
      'method: expected GET, got POST',
    ])
  })

  test('a RegExp and a URLPattern are tested on the whole URL', () => {
    const byRegExp = new DeclaredMock('GET', /\/users\/\d+$/, {})
    expect(reasons(byRegExp, outbound('GET', 'https://api.example.com/users/12'))).toEqual([])
    expect(reasons(byRegExp, outbound('GET', 'https://api.example.com/users/me'))).toEqual([
      'URL: https://api.example.com/users/me does not match /\\/users\\/\\d+$/',
    ])
    const byPattern = new DeclaredMock('GET', new URLPattern('https://api.example.com/users/:id'), {})
    expect(reasons(byPattern, outbound('GET', 'https://api.example.com/users/12'))).toEqual([])
    expect(reasons(byPattern, outbound('GET', 'https://api.example.com/teams/12'))).toEqual([
      'URL: https://api.example.com/teams/12 does not match the URLPattern',
    ])
  })

  test('headers match case-insensitively, by value or RegExp', () => {
    const declaration = new DeclaredMock('GET', 'https://api.example.com/', {
      headers: { 'X-Api-Version': '2024-01-01', authorization: /^Bearer / },
    })
    const request = outbound('GET', 'https://api.example.com/', { headers: { 'x-api-version': '2023-01-01' } })
    expect(reasons(declaration, request)).toEqual([
      'header `x-api-version`: expected "2024-01-01", got "2023-01-01"',
      'header `authorization`: expected /^Bearer /, got none',
    ])
  })

  test('json matches the listed fields at any depth and arrays item by item', () => {
    const declaration = new DeclaredMock('POST', 'https://api.example.com/orders', {
      json: { customer: { email: 'a@example.com' }, items: [{ sku: 'A1' }] },
    })
    const matching = { customer: { email: 'a@example.com', name: 'Ann' }, items: [{ sku: 'A1', qty: 2 }], note: 'x' }
    expect(reasons(declaration, outbound('POST', 'https://api.example.com/orders', { json: matching }))).toEqual([])
    const other = { customer: { name: 'Ann' }, items: [{ sku: 'B2' }, { sku: 'A1' }] }
    expect(reasons(declaration, outbound('POST', 'https://api.example.com/orders', { json: other }))).toEqual([
      'json `customer.email`: expected "a@example.com", got none',
      'json `items`: expected 1 items, got 2',
    ])
  })

  test('json against a body that is not JSON says what the body was', () => {
    const declaration = new DeclaredMock('POST', 'https://api.example.com/orders', { json: { a: 1 } })
    const request: OutboundRequest = {
      ...outbound('POST', 'https://api.example.com/orders'),
      headers: new Headers({ 'content-type': 'application/x-www-form-urlencoded' }),
      body: new TextEncoder().encode('a=1'),
    }
    expect(reasons(declaration, request)).toEqual(['body: expected JSON, got application/x-www-form-urlencoded a=1'])
  })

  test('a mock that used up its times no longer matches', () => {
    const declaration = new DeclaredMock('GET', 'https://api.example.com/', {}).times(1)
    declaration.calls = 1
    expect(reasons(declaration, outbound('GET', 'https://api.example.com/'))).toEqual(['already answered its 1 times'])
  })
})

describe('closestMocks', () => {
  test('ranks a mock for the same endpoint above one for another URL', () => {
    const other = new DeclaredMock('POST', 'https://api.example.com/teams', {})
    const sameEndpoint = new DeclaredMock('POST', 'https://api.example.com/users', {
      json: { email: 'a@example.com' },
    })
    const request = outbound('POST', 'https://api.example.com/users', { json: { email: 'b@example.com' } })
    const [closest, next] = closestMocks([other, sameEndpoint], request)
    expect(closest?.declaration).toBe(sameEndpoint)
    expect(next?.declaration).toBe(other)
  })

  test('describes at most three reasons and counts the rest', () => {
    const found = ['a', 'b', 'c', 'd', 'e'].map((text) => ({ text, weight: 1 }))
    expect(describeMismatches(found)).toBe('a; b; c; 2 more differences')
  })
})
