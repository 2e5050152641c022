import { describe, expect, test } from 'vitest'
import { closest, levenshtein, suggestFix } from './suggest.ts'

describe('suggestions', () => {
  test('levenshtein counts insertions, deletions and substitutions', () => {
    expect(levenshtein('admin', 'admn')).toBe(1)
    expect(levenshtein('kitten', 'sitting')).toBe(3)
    expect(levenshtein('', 'abc')).toBe(3)
  })

  test('closest suggests only a near name, ignoring case', () => {
    expect(closest('Usr', ['post', 'user'])).toBe('user')
    expect(closest('xyz', ['post', 'user'])).toBeUndefined()
  })

  test('suggestFix leads with the suggestion when there is one', () => {
    expect(suggestFix('admn', ['admin'], 'Declare it')).toBe('Did you mean `admin`? Otherwise, declare it')
    expect(suggestFix('zzz', ['admin'], 'Declare it')).toBe('Declare it')
  })
})
