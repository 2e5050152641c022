import { writeQuery } from '../wire/frontend-messages.ts'
import type { Exchange } from './exchange.ts'
import type { Expectation } from './reply-router.ts'

// The savepoint around a client's statements outside its app transaction; PostgreSQL does not
// nest names, and the endpoint runs one client's statements at a time, so one name is enough.
const SAVEPOINT = 'testbed_statement'
const OPEN = writeQuery(`SAVEPOINT ${SAVEPOINT}`)
const RELEASE = writeQuery(`RELEASE SAVEPOINT ${SAVEPOINT}`)
const UNDO = writeQuery(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}; RELEASE SAVEPOINT ${SAVEPOINT}`)
/** A simple Query of the endpoint's own: nothing of it reaches the client. */
export const OWN_QUERY: Expectation = { until: 'ready', forward: 'none' }

/** Queues what a server session needs before the client's statements: the client's settings. */
export function queueSessionSetup({ backend, client, router }: Exchange, outgoing: Buffer[]): void {
  const statements = backend.settings.switchTo(client.settings)
  if (statements.length === 0) return
  outgoing.push(writeQuery(statements.join('; ')))
  router.expect(OWN_QUERY)
}

/** Queues the savepoint that lets a failure undo only the statements after it. */
export function queueSavepoint({ router }: Exchange, outgoing: Buffer[]): void {
  outgoing.push(OPEN)
  router.expect(OWN_QUERY)
}

/** Queues the release of that savepoint: skipped by the server if a statement before it failed. */
export function queueRelease({ router }: Exchange, outgoing: Buffer[]): void {
  outgoing.push(RELEASE)
  router.expect(OWN_QUERY)
}

/** Releases that savepoint in a round trip of its own. */
export function releaseSavepoint(exchange: Exchange): Promise<Buffer | null> {
  return sendOwn(exchange, RELEASE)
}

/** After a failure: undoes the statements since the savepoint, so the test's transaction goes on. */
export function undoToSavepoint(exchange: Exchange): Promise<Buffer | null> {
  return sendOwn(exchange, UNDO)
}

/** Sends a simple Query of the endpoint's own and waits for it; resolves to the server's error, if any. */
export function sendOwn(
  { backend, router }: Pick<Exchange, 'backend' | 'router'>,
  query: Buffer,
): Promise<Buffer | null> {
  router.expect(OWN_QUERY)
  backend.write([query])
  return router.settled()
}
