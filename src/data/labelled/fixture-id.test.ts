import { describe, expect, test } from 'vitest'
import { derivedKey, fixtureId, fixtureUuid } from './fixture-id.ts'

describe('fixture ids', () => {
  test("are Rails' FixtureSet.identify: CRC-32 of the label modulo 2^30 - 1", () => {
    expect(fixtureId('alice')).toBe(663665735)
    expect(fixtureId('alice')).toBeLessThan(2 ** 30)
  })

  test('are RFC 4122 version 5 UUIDs in the OID namespace for uuid keys', () => {
    expect(fixtureUuid('ruby')).toBe('ccb5b8fa-9578-5f70-84c1-1ff592c74839')
  })

  test('are derived for integer and uuid keys only', () => {
    expect(derivedKey('bigint', 'alice')).toBe(663665735)
    expect(derivedKey('uuid', 'ruby')).toBe('ccb5b8fa-9578-5f70-84c1-1ff592c74839')
    expect(derivedKey('smallint', 'alice')).toBeUndefined()
    expect(derivedKey('text', 'alice')).toBeUndefined()
  })
})
