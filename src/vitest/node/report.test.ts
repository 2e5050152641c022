import { describe, expect, test } from 'vitest'
import {
  checkBudgets,
  countRan,
  skippedIntegration,
  slowest,
  slowUntagged,
  type TestOutcome,
  testLine,
} from './report.ts'

const outcome = (name: string, state: TestOutcome['state'], durationMs: number, tags: string[] = []): TestOutcome => ({
  file: 'tests/a.test.ts',
  name,
  tags,
  state,
  durationMs,
})

const TESTS = [
  outcome('unit fast', 'passed', 5, ['unit']),
  outcome('unit slow', 'passed', 1500, ['unit', 'slow']),
  outcome('integration', 'failed', 2500, ['integration']),
  outcome('integration skipped', 'skipped', 0, ['integration']),
  outcome('plain skipped', 'skipped', 0, ['unit']),
]

describe('the run report', () => {
  test('counts the tests that ran and the integration tests that were skipped', () => {
    expect(countRan(TESTS)).toBe(3)
    expect(skippedIntegration(TESTS)).toBe(1)
    expect(skippedIntegration([outcome('db', 'skipped', 0, ['unit', 'db'])], ['integration', 'db'])).toBe(1)
  })

  test('lists the slowest tests that ran, slowest first', () => {
    expect(slowest(TESTS, 2).map((test) => test.name)).toEqual(['integration', 'unit slow'])
  })

  test('reports tests over the threshold that are not tagged slow', () => {
    expect(slowUntagged(TESTS, 1000).map((test) => test.name)).toEqual(['integration'])
  })

  test('sums the durations each budget covers; total covers every test that ran', () => {
    expect(checkBudgets(TESTS, { integration: 2000, unit: 2000, total: 10_000 })).toEqual([
      { kind: 'integration', tests: 1, usedMs: 2500, budgetMs: 2000, over: true },
      { kind: 'unit', tests: 2, usedMs: 1505, budgetMs: 2000, over: false },
      { kind: 'total', tests: 3, usedMs: 4005, budgetMs: 10_000, over: false },
    ])
  })

  test('writes a test as its duration, file and full name', () => {
    expect(testLine(outcome('unit slow', 'passed', 1500))).toBe('     1.5 s  tests/a.test.ts > unit slow')
  })
})
