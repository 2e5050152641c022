import { describe, expect, test } from 'vitest'
import { planShards, type ShardItem } from './shard-plan.ts'

const items = (durations: Record<string, number | undefined>): ShardItem[] =>
  Object.entries(durations).map(([key, durationMs]) => ({ key, durationMs }))

describe('planShards', () => {
  test('puts the longest files first, each on the shard with the least time so far', () => {
    const plan = planShards(items({ a: 90, b: 40, c: 50, d: 30, e: 20 }), 2)
    expect(plan.shards).toEqual([
      ['a', 'd'],
      ['c', 'b', 'e'],
    ])
    expect(plan.loadsMs).toEqual([120, 110])
  })

  test('gives a file longer than all others together a shard of its own', () => {
    expect(planShards(items({ huge: 1000, a: 10, b: 10, c: 10 }), 2).shards).toEqual([['huge'], ['a', 'b', 'c']])
  })

  test('spreads files without any record evenly by number, in key order', () => {
    const plan = planShards(items({ e: undefined, d: undefined, c: undefined, b: undefined, a: undefined }), 2)
    expect(plan.shards).toEqual([
      ['a', 'c', 'e'],
      ['b', 'd'],
    ])
    expect(plan).toMatchObject({ estimateMs: 1, unrecorded: 5 })
  })

  test('counts a file without a record as the median recorded file', () => {
    const plan = planShards(items({ a: 10, b: 30, c: 1000, fresh: undefined }), 2)
    expect(plan.estimateMs).toBe(30)
    expect(plan.shards).toEqual([['c'], ['b', 'fresh', 'a']])
  })

  test('gives the same plan whatever order the files come in', () => {
    const durations = { a: 5, b: 5, c: 5, d: 7, e: undefined, f: 7 }
    const reversed = Object.fromEntries(Object.entries(durations).reverse())
    expect(planShards(items(reversed), 3)).toEqual(planShards(items(durations), 3))
  })

  test('places every file on exactly one shard, leaving shards empty when there are fewer files', () => {
    const plan = planShards(items({ a: 1, b: 2 }), 4)
    expect(plan.shards).toEqual([['b'], ['a'], [], []])
  })
})
