import { describe, expect, test } from 'vitest'
import { formatDuration, parseDuration } from './duration.ts'

describe('parseDuration', () => {
  test.for([
    ['300ms', 300],
    ['45s', 45_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1.5s', 1500],
    [' 2 m ', 120_000],
    [0, 0],
    [1234, 1234],
  ] as const)('reads %j as %d ms', ([input, ms]) => {
    expect(parseDuration(input)).toBe(ms)
  })

  test.for([['5'], ['5 minutes'], ['-1s'], ['1d'], [''], [-5], [Number.POSITIVE_INFINITY], [null], [{}]])(
    'rejects %j',
    ([input]) => {
      expect(parseDuration(input)).toBeNull()
    },
  )
})

describe('formatDuration', () => {
  test.for([
    [12.4, '12 ms'],
    [999, '999 ms'],
    [1000, '1.0 s'],
    [45_250, '45.3 s'],
    [303_000, '5m 03s'],
  ] as const)('writes %d ms as %s', ([ms, text]) => {
    expect(formatDuration(ms)).toBe(text)
  })
})
