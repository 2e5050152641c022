import type { ClientSession } from '../client/client-session.ts'
import type { ClientUnit } from '../client/client-unit.ts'
import { plainUnitSpec } from '../exchange/plain-unit.ts'
import { queryStatements } from '../exchange/simple-query.ts'
import type { StatementIntent } from '../exchange/statement-intent.ts'
import { parsed } from '../exchange/statement-spec.ts'
import { Frontend, readBind, readExecute } from '../wire/frontend-messages.ts'

/** What the shared transaction must know of a unit before it runs it. */
export interface UnitTraits {
  /** Every statement takes or releases a session advisory lock: it runs on the client's lock session. */
  readonly locksOnly: boolean
  /** A statement opens an app transaction: the unit waits while another client holds one. */
  readonly opensTransaction: boolean
}

const PLAIN: UnitTraits = { locksOnly: false, opensTransaction: false }

/** The unit's traits, reading each of its messages once (this runs for every unit of every client). */
export function unitTraits(client: ClientSession, unit: ClientUnit): UnitTraits {
  if (unit.kind === 'query') {
    const intents = queryStatements(unit.message).statements.map(({ intent }) => intent)
    return { locksOnly: intents.length > 0 && intents.every(isLock), opensTransaction: intents.some(begins) }
  }
  if (plainUnitSpec(unit.messages, unit.end) !== null) return PLAIN
  let [executes, locksOnly, opensTransaction] = [0, true, false]
  for (const message of unit.messages) {
    const code = message[0]
    if (code === Frontend.Execute) executes++
    if (code === Frontend.Describe || code === Frontend.Sync || code === Frontend.Flush) continue
    const intent = intentOfMessage(client, message, code)
    locksOnly &&= intent !== undefined && isLock(intent)
    opensTransaction ||= intent !== undefined && begins(intent)
  }
  return { locksOnly: locksOnly && executes > 0, opensTransaction }
}

/** The intent of the statement a Parse, Bind or Execute is about, as the client's session knows it before the unit runs. */
function intentOfMessage(
  client: ClientSession,
  message: Buffer,
  code: number | undefined,
): StatementIntent | undefined {
  if (code === Frontend.Parse) return parsed(message).spec.statement.intent
  if (code === Frontend.Bind) return client.statements.get(readBind(message).statement)?.statement.intent
  if (code === Frontend.Execute) return client.portals.get(readExecute(message).portal)?.statement.intent
  return undefined
}

function isLock(intent: StatementIntent): boolean {
  return intent.kind === 'advisory-lock'
}

function begins(intent: StatementIntent): boolean {
  return intent.kind === 'control' && intent.control.kind === 'begin'
}
