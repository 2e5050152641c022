import { serialize } from 'pg-protocol'
import { errorResponseFor } from '../endpoint-errors.ts'
import { Backend, commandComplete, readyForQuery } from '../wire/backend-messages.ts'
import { Frontend, readQuery, SYNC, writeQuery } from '../wire/frontend-messages.ts'
import type { Exchange } from './exchange.ts'
import {
  OWN_QUERY,
  queueRelease,
  queueSavepoint,
  queueSessionSetup,
  releaseSavepoint,
  undoToSavepoint,
} from './server-round.ts'
import { recordSessionEffects } from './session-effects.ts'
import { type IntendedStatement, intentsOf, startsCopyIn } from './statement-intent.ts'

/**
 * Serves a simple Query (or a FunctionCall): on the server as one message when the endpoint
 * answers none of its statements, else statement by statement, stopping at the first failure
 * as PostgreSQL does. Either way the client gets one ReadyForQuery at the end.
 */
export async function runSimpleQuery(exchange: Exchange, message: Buffer): Promise<void> {
  const { client, policy } = exchange
  const { text, statements } = queryStatements(message)
  const refused = statements.find(({ intent }) => intent.kind === 'refused' && policy.answers(intent))
  if (refused !== undefined) await answerOne(exchange, refused)
  else if (statements.every(({ intent }) => !policy.answers(intent)))
    await runOnServer(exchange, message, statements, text)
  else await runEach(exchange, statements)
  client.send(readyForQuery(policy.status(client)))
  client.flush()
}

const BIND_UNNAMED = serialize.bind({})
const DESCRIBE_UNNAMED = serialize.describe({ type: 'P', name: '' })
const EXECUTE_UNNAMED = serialize.execute({})

const byMessage = new WeakMap<Buffer, { text: string; statements: IntendedStatement[] }>()

/** The text and statements of a Query message (none for a FunctionCall), read once however often asked for. */
export function queryStatements(message: Buffer): { text: string; statements: IntendedStatement[] } {
  let known = byMessage.get(message)
  if (known === undefined) {
    const text = message[0] === Frontend.Query ? readQuery(message) : ''
    known = { text, statements: intentsOf(text) }
    byMessage.set(message, known)
  }
  return known
}

async function runEach(exchange: Exchange, statements: readonly IntendedStatement[]): Promise<void> {
  for (const statement of statements) {
    const ran = exchange.policy.answers(statement.intent)
      ? await answerOne(exchange, statement)
      : await runOnServer(exchange, writeQuery(statement.text), [statement], statement.text)
    if (!ran) return
  }
}

async function answerOne({ client, policy }: Exchange, statement: IntendedStatement): Promise<boolean> {
  try {
    client.send(commandComplete(await policy.answer(client, statement)))
    return true
  } catch (error) {
    client.send(errorResponseFor(error))
    return false
  }
}

/**
 * One Query message on the server, inside a savepoint of its own when the policy wants one. The
 * savepoint's release goes in the same write, unless the query may start COPY FROM STDIN: the
 * server would read the release as the copy's data.
 */
async function runOnServer(
  exchange: Exchange,
  query: Buffer,
  statements: readonly IntendedStatement[],
  text: string,
): Promise<boolean> {
  const { backend, client, policy, router } = exchange
  const outgoing: Buffer[] = []
  queueSessionSetup(exchange, outgoing)
  const wrapped = policy.wraps(client)
  const copies = wrapped && startsCopyIn(text)
  if (wrapped) queueSavepoint(exchange, outgoing)
  if (wrapped && !copies && statements.length === 1 && query[0] === Frontend.Query)
    queueAsExtended(exchange, outgoing, text)
  else queueAsQuery(exchange, outgoing, query)
  // The savepoint's Bind/Execute wait for a Sync: a Query's own ReadyForQuery does not end their batch.
  if (wrapped && !copies) {
    queueRelease(exchange, outgoing)
    outgoing.push(SYNC)
    router.expect(OWN_QUERY)
  }
  backend.write(outgoing)
  if ((await router.settled()) !== null) {
    if (wrapped) await undoToSavepoint(exchange)
    return false
  }
  if (copies) await releaseSavepoint(exchange)
  for (const { intent } of statements) if (intent.kind !== 'plain') recordSessionEffects(exchange, intent)
  return true
}

function queueAsQuery({ router }: Exchange, outgoing: Buffer[], query: Buffer): void {
  outgoing.push(query)
  router.expect({ until: 'ready', forward: 'all' })
}

/**
 * One statement of a simple Query sent as Parse/Bind/Describe/Execute, in the savepoint's batch:
 * the server then answers the whole batch in one write at its Sync, where a Query in the middle
 * flushes on its own (measured: ~0.1 ms per query). The client gets what a simple Query gives:
 * RowDescription (or nothing), DataRows, CommandComplete; the rest is the endpoint's.
 */
function queueAsExtended({ backend, router }: Exchange, outgoing: Buffer[], text: string): void {
  outgoing.push(serialize.parse({ text }), BIND_UNNAMED, DESCRIBE_UNNAMED, EXECUTE_UNNAMED)
  router.expect({ until: 1, forward: 'errors' })
  router.expect({ until: 1, forward: 'errors' })
  router.expect({ until: 1, forward: 'all', drop: Backend.NoData })
  router.expect({ until: 'execute', forward: 'all' })
  backend.statements.unnamed = null
  backend.statements.unnamedPortalOwner = null
}
