import { describe, expect, test } from 'vitest'
import { changedLineCount, lineDiff } from './line-diff.ts'

describe('lineDiff', () => {
  test('marks removed lines before the added lines that replace them', () => {
    expect(
      lineDiff(['POST /charges', '{', '  "amount": 1000', '}'], ['POST /charges', '{', '  "amount": 2000', '}']),
    ).toEqual(['  POST /charges', '  {', '-   "amount": 1000', '+   "amount": 2000', '  }'])
  })

  test('handles lines only on one side', () => {
    expect(lineDiff(['a'], ['a', 'b'])).toEqual(['  a', '+ b'])
    expect(lineDiff(['a', 'b'], [])).toEqual(['- a', '- b'])
  })

  test('counts changed lines', () => {
    expect(changedLineCount(['a', 'b', 'c'], ['a', 'x', 'c'])).toBe(2)
    expect(changedLineCount(['a'], ['a'])).toBe(0)
  })
})
