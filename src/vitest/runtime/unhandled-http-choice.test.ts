import { expect, test } from 'vitest'
import { unhandledHttpOf } from './unhandled-http-choice.ts'

test('a test’s meta.unhandledHttp wins over the fixture, which carries the override or the config default', () => {
  expect(unhandledHttpOf({}, 'error')).toBe('error')
  expect(unhandledHttpOf({ unhandledHttp: 'bypass' }, 'error')).toBe('bypass')
  expect(unhandledHttpOf({}, 'warn')).toBe('warn')
})

test('an unknown policy fails, naming where it was chosen and the known ones', () => {
  expect(() => unhandledHttpOf({ unhandledHttp: 'allow' }, 'error')).toThrow(
    '[testbed] Unknown `unhandledHttp` in the test’s `meta.unhandledHttp`: `allow` (string).\n' +
      'It takes `error`, `warn`, `bypass`. Use one of those, or leave it out to use testbed.config.ts `unhandledHttp`.',
  )
  expect(() => unhandledHttpOf({}, 'off')).toThrow(
    '[testbed] Unknown `unhandledHttp` in `test.override({ unhandledHttp })`: `off` (string).',
  )
})
