import { expect, test } from 'vitest'
import { ISOLATION_NAMES } from '../core/isolation-names.ts'
import { ISOLATION_STRATEGIES } from './isolation-strategies.ts'

test('every isolation name has its strategy in the table, and the table no other', () => {
  expect(Object.keys(ISOLATION_STRATEGIES).sort()).toEqual([...ISOLATION_NAMES].sort())
})
