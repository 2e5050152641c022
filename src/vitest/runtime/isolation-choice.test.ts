import { expect, test } from 'vitest'
import { isolationOf, leakCheckOf } from './isolation-choice.ts'

test('a test’s meta.isolation wins over the fixture, which carries the override or the config default', () => {
  expect(isolationOf({}, 'transaction')).toBe('transaction')
  expect(isolationOf({ isolation: 'database' }, 'transaction')).toBe('database')
})

test('an unknown strategy fails, naming where it was chosen and the known ones', () => {
  expect(() => isolationOf({ isolation: 'savepoint' }, 'transaction')).toThrow(
    '[testbed] Unknown isolation strategy in the test’s `meta.isolation`: `savepoint` (string).\n' +
      'The `db` fixture knows `transaction`, `database`, `reset`. Use one of those, or leave it out to use testbed.config.ts `isolation`.',
  )
  expect(() => isolationOf({}, 'clone' as never)).toThrow(
    '[testbed] Unknown isolation strategy in `test.override({ isolation })`: `clone` (string).',
  )
})

test('a test’s meta.leakCheck wins over the fixture, which carries the override or the config default', () => {
  expect(leakCheckOf({}, true)).toBe(true)
  expect(leakCheckOf({ leakCheck: false }, true)).toBe(false)
  expect(leakCheckOf({ leakCheck: true }, false)).toBe(true)
})

test('a leak check setting that is not true or false fails, naming where it was set', () => {
  expect(() => leakCheckOf({ leakCheck: 'off' }, true)).toThrow(
    '[testbed] Invalid leak check setting in the test’s `meta.leakCheck`: `off` (string).\n' +
      'The `db` fixture’s leak check is `true` (fail a test whose changes outlive it) or `false`. Use one of those, or leave it out to use testbed.config.ts `leakCheck`.',
  )
  expect(() => leakCheckOf({}, 0 as never)).toThrow(
    '[testbed] Invalid leak check setting in `test.override({ leakCheck })`: `0` (number).',
  )
})
