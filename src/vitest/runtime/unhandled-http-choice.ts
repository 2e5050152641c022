import type { UnhandledHttpSetting } from '../../core/config.ts'
import { UNHANDLED_HTTP_SETTINGS } from '../../core/config-validation.ts'
import { TestbedError } from '../../core/errors.ts'
import { describeValue } from '../../core/options.ts'

/** The network guard's policy for a test: its `meta.unhandledHttp` (or its describe block's), else `fallback`. */
export function unhandledHttpOf(meta: { unhandledHttp?: unknown }, fallback: unknown): UnhandledHttpSetting {
  const chosen = meta.unhandledHttp ?? fallback
  if (UNHANDLED_HTTP_SETTINGS.includes(chosen as UnhandledHttpSetting)) return chosen as UnhandledHttpSetting
  const where =
    meta.unhandledHttp === undefined ? '`test.override({ unhandledHttp })`' : 'the test’s `meta.unhandledHttp`'
  throw new TestbedError('TESTBED_CONFIG_INVALID', {
    what: `Unknown \`unhandledHttp\` in ${where}`,
    subject: describeValue(chosen),
    why: `It takes ${UNHANDLED_HTTP_SETTINGS.map((name) => `\`${name}\``).join(', ')}`,
    fix: 'Use one of those, or leave it out to use testbed.config.ts `unhandledHttp`',
  })
}
