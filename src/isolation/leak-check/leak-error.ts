import { TestbedError } from '../../core/errors.ts'
import type { Leak } from './describe-leaks.ts'

/** Who the leak check blames, and how sure it can be. */
export interface LeakContext {
  testName: string
  strategy: 'transaction' | 'reset'
  /** Tests that ran in the same database while this one did: any of them may have made the change. */
  neighbours: number
}

const TURN_OFF =
  'turn the check off with `leakCheck: false` (in testbed.config.ts, `test.override({ leakCheck: false })` or the test’s `meta`)'

const WHY = {
  transaction:
    "The database did not return to its starting state after the test, which usually means the test committed through a connection of its own instead of the test's `db` pool",
  reset:
    "Isolation 'reset' puts back the rows of the tables a test wrote, but not the schema: what a test creates, alters or drops stays",
}

const FIX = {
  transaction: `Run every query through \`db.pool\` / \`db.query\` (or use isolation 'database' for code that must open its own connections), or ${TURN_OFF}`,
  reset: `Change the schema in a migration rather than in a test (or use isolation 'database' for tests that must), or ${TURN_OFF}`,
}

/** The error that fails a test whose changes outlived its isolation, one detail line per changed object. */
export function leakError(leaks: readonly Leak[], context: LeakContext): TestbedError {
  const neighbours =
    context.neighbours === 0
      ? []
      : [
          `${context.neighbours} other test${context.neighbours === 1 ? '' : 's'} ran in this database at the same time: the change may be theirs`,
        ]
  return new TestbedError('TESTBED_ISOLATION_LEAK', {
    what: "Changes leaked out of the test's isolation",
    subject: context.testName,
    why: WHY[context.strategy],
    fix: FIX[context.strategy],
    details: [...leaks.map(({ object, change }) => `${object}: ${change}`), ...neighbours],
  })
}
