import type { IsolationSetting } from '../../core/config.ts'
import { TestbedError } from '../../core/errors.ts'
import { ISOLATION_NAMES } from '../../core/isolation-names.ts'
import { describeValue } from '../../core/options.ts'

/** The strategy of a test's `db`: its `meta.isolation`, else the `isolation` fixture (override or config). */
export function isolationOf(meta: { isolation?: unknown }, fixture: IsolationSetting): IsolationSetting {
  const chosen = meta.isolation ?? fixture
  if (ISOLATION_NAMES.includes(chosen as IsolationSetting)) return chosen as IsolationSetting
  const where = meta.isolation === undefined ? '`test.override({ isolation })`' : 'the test’s `meta.isolation`'
  throw new TestbedError('TESTBED_CONFIG_INVALID', {
    what: `Unknown isolation strategy in ${where}`,
    subject: describeValue(chosen),
    why: `The \`db\` fixture knows ${ISOLATION_NAMES.map((name) => `\`${name}\``).join(', ')}`,
    fix: 'Use one of those, or leave it out to use testbed.config.ts `isolation`',
  })
}

/** Whether a test's `db` is leak-checked: its `meta.leakCheck`, else the `leakCheck` fixture (override or config). */
export function leakCheckOf(meta: { leakCheck?: unknown }, fixture: boolean): boolean {
  const chosen = meta.leakCheck ?? fixture
  if (typeof chosen === 'boolean') return chosen
  const where = meta.leakCheck === undefined ? '`test.override({ leakCheck })`' : 'the test’s `meta.leakCheck`'
  throw new TestbedError('TESTBED_CONFIG_INVALID', {
    what: `Invalid leak check setting in ${where}`,
    subject: describeValue(chosen),
    why: 'The `db` fixture’s leak check is `true` (fail a test whose changes outlive it) or `false`',
    fix: 'Use one of those, or leave it out to use testbed.config.ts `leakCheck`',
  })
}
