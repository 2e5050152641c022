import { TestbedError } from '../../core/errors.ts'

const MAX_STATEMENT_LENGTH = 120
const UNDER = "under isolation 'transaction'"
const USE_DATABASE = "use isolation 'database' for this test"

/** A statement as the subject of a message: on one line, cut at 120 characters. */
export function describeStatement(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim()
  if (line === '') return '(empty query)'
  const cut = line.length > MAX_STATEMENT_LENGTH ? `${line.slice(0, MAX_STATEMENT_LENGTH - 1)}…` : line
  return `\`${cut}\``
}

export function notInTransactionError(label: string, text: string, cause?: Error): TestbedError {
  return new TestbedError(
    'TESTBED_ISOLATION_NOT_IN_TRANSACTION',
    {
      what: `Cannot run ${label} ${UNDER}`,
      subject: describeStatement(text),
      why: `PostgreSQL cannot run ${label} inside a transaction block, and every statement of this test runs inside the test's transaction`,
      fix: capitalize(USE_DATABASE),
      details: cause === undefined ? [] : [`PostgreSQL: ${cause.message}`],
    },
    { cause },
  )
}

/** PostgreSQL names the statement in its own words: "VACUUM cannot run inside a transaction block". */
export function labelFromServerMessage(message: string, text: string): string {
  const named = /^(.+?) cannot run inside a transaction block/.exec(message)?.[1]
  return named ?? text.trim().split(/\s+/).slice(0, 2).join(' ').toUpperCase()
}

export function transactionAbortedError(
  text: string,
  earlier: { text: string; message: string },
  cause: Error,
): TestbedError {
  return new TestbedError(
    'TESTBED_ISOLATION_TRANSACTION_ABORTED',
    {
      what: `Statement refused after an earlier one failed ${UNDER}`,
      subject: describeStatement(text),
      why: "A statement that fails outside an app transaction aborts the test's transaction, and PostgreSQL then refuses every statement until the test ends",
      fix: `Run the statement that may fail inside an app transaction (BEGIN … ROLLBACK, or the ORM's transaction()), or ${USE_DATABASE}`,
      details: [`failed earlier: ${describeStatement(earlier.text)}: ${earlier.message}`],
    },
    { cause },
  )
}

export function transactionWaitError(text: string, waitedMs: number): TestbedError {
  return new TestbedError('TESTBED_ISOLATION_TRANSACTION_WAIT', {
    what: `Gave up waiting for another client's transaction ${UNDER}`,
    subject: describeStatement(text),
    why: "All clients of the test's pool share one connection, so a second app transaction (or any statement while the open one is aborted) waits until the open transaction ends; it did not end, likely because the app waits for this statement before ending it",
    fix: `End the open transaction before starting another one, raise \`transactionWaitTimeout\`, or ${USE_DATABASE}`,
    details: [`waited: ${waitedMs} ms`],
  })
}

export function testEndedError(text: string): TestbedError {
  return new TestbedError('TESTBED_ISOLATION_TEST_ENDED', {
    what: "Query on a test's pool after the test ended",
    subject: describeStatement(text),
    why: "The test's transaction is already rolled back, so this comes from app work that outlived the test: a timer, an un-awaited promise, a background job",
    fix: 'Await that work inside the test, or stop it in afterEach',
  })
}

export function releasedClientError(text: string): TestbedError {
  return new TestbedError('TESTBED_ISOLATION_CLIENT_RELEASED', {
    what: 'Query on a pool client after its release()',
    subject: describeStatement(text),
    why: 'A released client goes back to the pool, where another caller may already hold its connection',
    fix: 'Take a new client with `pool.connect()`, and call `release()` only when done with it',
  })
}

export function doubleReleaseError(): TestbedError {
  return new TestbedError('TESTBED_ISOLATION_CLIENT_RELEASED', {
    what: 'release() called twice on a pool client',
    why: 'The client was already released to the pool (pg throws here too)',
    fix: 'Call `release()` once for each `pool.connect()`',
  })
}

export function poolEndedError(call: string): TestbedError {
  return new TestbedError('TESTBED_ISOLATION_POOL_ENDED', {
    what: `${call} on the test's pool after pool.end()`,
    why: 'The app ended the pool earlier in this test (pg refuses this too)',
    fix: 'Keep the pool open while the test runs; testbed closes the real connection itself after the test',
  })
}

export function strategyStateError(call: string, why: string, fix: string): TestbedError {
  return new TestbedError('TESTBED_ISOLATION_MISUSED', { what: `${call} called out of order ${UNDER}`, why, fix })
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
