import { expect, test } from 'vitest'
import { isolationOf } from './isolation-choice.ts'

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
