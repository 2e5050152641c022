import { isTestbedError, TestbedError } from '../../core/errors.ts'
import { redactUrl } from '../../core/redact.ts'
import { describeStatement } from '../transaction/transaction-errors.ts'
import { decodeBackendMessage, type ErrorFields, errorResponse } from './wire/backend-messages.ts'

/** An ErrorResponse the server sent, carried as it came so the client gets it unchanged. */
export class ServerError extends Error {
  readonly response: Buffer

  constructor(response: Buffer) {
    super((decodeBackendMessage(response) as { message?: string }).message ?? 'error')
    this.response = response
  }
}

// The SQLSTATE a client sees for each of testbed's errors: the closest PostgreSQL's own.
const SQLSTATES: Record<string, string> = {
  TESTBED_ISOLATION_NOT_IN_TRANSACTION: '25001',
  TESTBED_ISOLATION_TRANSACTION_WAIT: '55P03',
  TESTBED_ISOLATION_ENDPOINT_WRITE_OUTSIDE_TEST: '25006',
}

/** The ErrorResponse that reports `error` to a client. */
export function errorResponseFor(error: unknown): Buffer {
  if (error instanceof ServerError) return error.response
  return errorResponse(errorFieldsFor(error))
}

export function errorFieldsFor(error: unknown): ErrorFields {
  if (isTestbedError(error)) {
    const { code, message } = error as TestbedError
    return { code: SQLSTATES[code] ?? '55000', message, detail: `testbed error code: ${code}` }
  }
  return { code: 'XX000', message: error instanceof Error ? error.message : String(error) }
}

export function testEndedError(text: string): TestbedError {
  return new TestbedError('TESTBED_ISOLATION_ENDPOINT_TEST_ENDED', {
    what: 'Query through the test database URL after its test ended',
    subject: describeStatement(text),
    why: "The query was sent during a test and had not run when the test ended, so it would have run in the next test's database state: it comes from work that outlived its test (a timer, an un-awaited promise, a background job)",
    fix: 'Await that work inside the test, or stop it in afterEach',
  })
}

export function noTestError(text: string, waitedMs: number): TestbedError {
  return new TestbedError('TESTBED_ISOLATION_ENDPOINT_NO_TEST', {
    what: 'Query through the test database URL while no test runs',
    subject: describeStatement(text),
    why: "Every query through this URL runs in the current test's database, and none began within the wait: the query comes from code that runs outside tests (module scope, beforeAll) and waits for its answer before any test can start",
    fix: "Run it inside a test or beforeEach; put data every test needs into the template's seeds or fixtures",
    details: [`waited: ${waitedMs} ms`],
  })
}

export function writeOutsideTestError(serverMessage: string): TestbedError {
  return new TestbedError('TESTBED_ISOLATION_ENDPOINT_WRITE_OUTSIDE_TEST', {
    what: 'Write through the test database URL while no test runs',
    why: 'Between tests (module scope, beforeAll, afterAll) the database is read-only: a write there would be seen by every later test, or by none, depending on the isolation',
    fix: "Write inside a test or beforeEach; put data every test needs into the template's seeds or fixtures",
    details: [`PostgreSQL: ${serverMessage}`],
  })
}

export function backendConnectError(url: string, cause: unknown): TestbedError {
  return new TestbedError(
    'TESTBED_ISOLATION_ENDPOINT_CONNECT_FAILED',
    {
      what: "The test database endpoint cannot reach the test's database",
      subject: redactUrl(url),
      why: `Connecting failed: ${cause instanceof Error ? cause.message : String(cause)}`,
      fix: 'Check that the server runs (`testbed services status`) and that the database exists',
    },
    { cause },
  )
}
