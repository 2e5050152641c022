import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { tempDir } from '../../../test/test-utils/temp-dir.ts'
import { cassetteBodyBytes, cassettePath, readCassette, toCassetteBody } from './cassette-file.ts'

describe('cassettePath', () => {
  test('makes one file per test from the file and test names', () => {
    expect(cassettePath('test/cassettes', 'payments.test.ts', 'charges a card (EUR)')).toBe(
      'test/cassettes/payments-test-ts/charges-a-card-eur.json',
    )
  })

  test('keeps long names that share a start apart', () => {
    const long = 'a very long test name '.repeat(6)
    const first = cassettePath('c', `${long}one`)
    const second = cassettePath('c', `${long}two`)
    expect(first).not.toBe(second)
    expect(first.length).toBeLessThan(110)
  })
})

describe('cassette bodies', () => {
  test('keeps JSON as JSON, text as text, other bytes as base64', () => {
    const encode = (text: string) => new TextEncoder().encode(text)
    expect(toCassetteBody(encode('{"a":1}'), 'application/json; charset=utf-8')).toEqual({ json: { a: 1 } })
    expect(toCassetteBody(encode('{"a":1}'), 'application/problem+json')).toEqual({ json: { a: 1 } })
    expect(toCassetteBody(encode('not json'), 'application/json')).toEqual({ text: 'not json' })
    expect(toCassetteBody(encode('hello'), null)).toEqual({ text: 'hello' })
    expect(toCassetteBody(new Uint8Array([0xff, 0x00]), 'image/png')).toEqual({ base64: '/wA=' })
    expect(toCassetteBody(new Uint8Array(), 'text/plain')).toBeUndefined()
    expect(new TextDecoder().decode(cassetteBodyBytes({ json: { a: 1 } }))).toBe('{"a":1}')
    expect([...cassetteBodyBytes({ base64: '/wA=' })]).toEqual([0xff, 0x00])
  })
})

describe('readCassette', () => {
  test('returns undefined when there is no cassette and explains a file that is not one', () => {
    const dir = tempDir('testbed-cassette-file-')
    expect(readCassette(join(dir, 'none.json'))).toBeUndefined()
    const broken = join(dir, 'broken.json')
    writeFileSync(broken, '{"interactions": {}}')
    expect(() => readCassette(broken)).toThrow(
      `[testbed] Cannot read the cassette: ${broken}.\nIt is not a cassette testbed wrote: expected { "version": 1, "interactions": [...] }. Delete it and record again with \`TESTBED_HTTP_MODE=record\`, or fix the file by hand.`,
    )
  })
})
