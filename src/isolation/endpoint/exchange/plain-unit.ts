import { readyForQuery } from '../wire/backend-messages.ts'
import { Frontend, SYNC } from '../wire/frontend-messages.ts'
import type { Exchange } from './exchange.ts'
import type { Expectation } from './reply-router.ts'
import { queueRelease, queueSavepoint, queueSessionSetup, undoToSavepoint } from './server-round.ts'
import { parsed, type StatementSpec } from './statement-spec.ts'

const DESCRIBED: Expectation = { until: 1, forward: 'all' }
const EXECUTED: Expectation = { until: 'execute', forward: 'all' }
const SYNCED: Expectation = { until: 'ready', forward: 'all' }
const PORTAL = 0x50

/**
 * The statement of a plain unit, or null. A plain unit is what pg sends for every query with
 * parameters (and so Knex, Kysely, Drizzle, TypeORM, Sequelize over pg): a Parse of the unnamed
 * statement, a Bind of it to the unnamed portal, a Describe of that portal (or none), an Execute
 * and a Sync, of plain SQL (nothing the endpoint answers, reads or copies). Known from the
 * messages' bytes, without decoding them.
 */
export function plainUnitSpec(messages: readonly Buffer[], end: 'sync' | 'flush'): StatementSpec | null {
  const count = messages.length
  if (end !== 'sync' || (count !== 4 && count !== 5)) return null
  const [parse, bind, describe] = messages as [Buffer, Buffer, Buffer]
  if (parse[0] !== Frontend.Parse || parse[5] !== 0) return null
  if (bind[0] !== Frontend.Bind || bind[5] !== 0 || bind[6] !== 0) return null
  if (count === 5 && (describe[0] !== Frontend.Describe || describe[5] !== PORTAL || describe[6] !== 0)) return null
  const execute = messages[count - 2] as Buffer
  if (execute[0] !== Frontend.Execute || execute[5] !== 0) return null
  const { spec } = parsed(parse)
  return spec.statement.intent.kind === 'plain' && !spec.copiesIn ? spec : null
}

/**
 * Serves a plain unit as the client sent it, in one write with the client's settings and its
 * statement savepoint: what translating it message by message (statement-translation.ts) would
 * send, without the work per message. The client's unnamed statement and portal are its own,
 * as there.
 */
export async function runPlainUnit(exchange: Exchange, messages: readonly Buffer[], spec: StatementSpec) {
  const { client, backend, router, policy } = exchange
  const outgoing: Buffer[] = []
  queueSessionSetup(exchange, outgoing)
  const wrapped = policy.wraps(client)
  if (wrapped) queueSavepoint(exchange, outgoing)
  queueStatement(exchange, messages, spec, outgoing)
  if (wrapped) queueRelease(exchange, outgoing)
  outgoing.push(SYNC)
  router.expect(SYNCED)
  backend.write(outgoing)
  const failed = (await router.settled()) !== null
  if (wrapped && failed) await undoToSavepoint(exchange)
  client.send(readyForQuery(policy.status(client)))
  client.flush()
}

/** Queues the client's Parse, Bind, Describe and Execute as they came, and what each answers. */
function queueStatement(
  { client, backend, router }: Exchange,
  messages: readonly Buffer[],
  spec: StatementSpec,
  outgoing: Buffer[],
): void {
  const { statements } = backend
  client.statements.set('', spec)
  client.portals.set('', spec)
  statements.unnamed = spec.key
  statements.unnamedPortalOwner = client
  for (let index = 0; index < messages.length - 1; index++) outgoing.push(messages[index] as Buffer)
  const forgetStatement = () => {
    statements.unnamed = null
    client.statements.delete('')
  }
  router.expect({ until: 1, forward: 'all', onFail: forgetStatement })
  router.expect({ until: 1, forward: 'all', onFail: () => client.portals.delete('') })
  if (messages.length === 5) router.expect(DESCRIBED)
  router.expect(EXECUTED)
}
