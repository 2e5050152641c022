import { serialize } from 'pg-protocol'
import { writeQuery } from '../wire/frontend-messages.ts'
import type { Exchange } from './exchange.ts'
import type { Expectation } from './reply-router.ts'

// The savepoint around a client's statements outside its app transaction; PostgreSQL does not
// nest names, and the endpoint runs one client's statements at a time, so one name is enough.
// Opened and released through statements prepared once per session, by Bind/Execute in the same
// batch as the client's messages: the server answers the batch in one write at its Sync, where a
// simple Query per SAVEPOINT and RELEASE would make it flush three times (measured: 0.13 ms added
// per query instead of 0.08 ms, bench/endpoint-overhead.ts).
const SAVEPOINT = 'testbed_statement'
const PREPARE = [
  serialize.parse({ name: 'testbed_savepoint', text: `SAVEPOINT ${SAVEPOINT}` }),
  serialize.parse({ name: 'testbed_release', text: `RELEASE SAVEPOINT ${SAVEPOINT}` }),
]
// Each a Bind and an Execute in one buffer, awaited as one Execute (its BindComplete is not counted).
const OPEN = Buffer.concat([serialize.bind({ statement: 'testbed_savepoint' }), serialize.execute({})])
const RELEASE_IN_BATCH = Buffer.concat([serialize.bind({ statement: 'testbed_release' }), serialize.execute({})])
const RELEASE = writeQuery(`RELEASE SAVEPOINT ${SAVEPOINT}`)
const UNDO = writeQuery(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}; RELEASE SAVEPOINT ${SAVEPOINT}`)
/** A simple Query of the endpoint's own: nothing of it reaches the client. */
export const OWN_QUERY: Expectation = { until: 'ready', forward: 'none' }
const OWN_REPLY: Expectation = { until: 1, forward: 'none' }
const OWN_EXECUTE: Expectation = { until: 'execute', forward: 'none' }

/** Queues what a server session needs before the client's statements: the client's settings. */
export function queueSessionSetup({ backend, client, router }: Exchange, outgoing: Buffer[]): void {
  const statements = backend.settings.switchTo(client.settings)
  if (statements.length === 0) return
  outgoing.push(writeQuery(statements.join('; ')))
  router.expect(OWN_QUERY)
}

/** Queues the savepoint that lets a failure undo only the statements after it. */
export function queueSavepoint({ backend, router }: Exchange, outgoing: Buffer[]): void {
  if (!backend.statements.ownPrepared) {
    outgoing.push(...PREPARE)
    for (const _ of PREPARE) router.expect(OWN_REPLY)
    backend.statements.ownPrepared = true
  }
  outgoing.push(OPEN)
  router.expect(OWN_EXECUTE)
}

/**
 * Queues the release of that savepoint, before the batch's Sync: the server skips it if a
 * statement before it failed. It binds the unnamed portal, which PostgreSQL closes at a Sync
 * outside a transaction block anyway.
 */
export function queueRelease({ backend, router }: Exchange, outgoing: Buffer[]): void {
  outgoing.push(RELEASE_IN_BATCH)
  router.expect(OWN_EXECUTE)
  backend.statements.unnamedPortalOwner = null
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
