import pg from 'pg'
import { describeCause, TestbedError } from '../../core/errors.ts'
import { redactUrl } from '../../core/redact.ts'

// What the clone pool reports and throws.

export function droppedOrphans(count: number): string {
  return `dropped ${count} test database(s) left by processes that died`
}

export function isDuplicateDatabase(error: unknown): boolean {
  return error instanceof pg.DatabaseError && error.code === '42P04'
}

export function cloneFailed(template: string, error: unknown): TestbedError {
  return new TestbedError(
    'TESTBED_ISOLATION_CLONE_FAILED',
    {
      what: 'Could not clone a test database from the template',
      subject: template,
      why: describeCause(error),
      fix: 'If the template was dropped, call ensureTemplate() again; otherwise check the server log',
    },
    { cause: error },
  )
}

export function notLeased(name: string): TestbedError {
  return new TestbedError('TESTBED_ISOLATION_CLONE_NOT_LEASED', {
    what: 'release() got a database this pool did not lease',
    subject: name,
    why: 'It was released already, or it came from another pool',
    fix: 'Release each database once, to the pool whose acquire() returned it',
  })
}

export function poolClosed(): TestbedError {
  return new TestbedError('TESTBED_ISOLATION_CLONE_POOL_CLOSED', {
    what: 'The database pool is closed',
    subject: 'acquire()',
    why: 'close() was called, and a closed pool makes no more clones',
    fix: 'Create a new pool with createDatabasePool(), or close the pool only after the last test',
  })
}

export function controlLost(adminUrl: string): TestbedError {
  return new TestbedError('TESTBED_ISOLATION_CLONE_POOL_LOST', {
    what: 'The database pool lost its control connection',
    subject: redactUrl(adminUrl),
    why: 'Its clones are leased through that connection, so another pool may already have dropped them as orphans; the server may have stopped or restarted',
    fix: 'Create a new pool; if the server stopped, start the test run again',
  })
}
