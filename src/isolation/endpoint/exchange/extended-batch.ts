import { readyForQuery } from '../wire/backend-messages.ts'
import { Frontend } from '../wire/frontend-messages.ts'
import { sendGroup } from './batch-group.ts'
import type { Exchange } from './exchange.ts'
import { plainUnitSpec, runPlainUnit } from './plain-unit.ts'
import { translateMessage } from './statement-translation.ts'

/**
 * Serves a client's extended-protocol messages up to its Sync (or Flush) on the exchange's server
 * session: statement and portal names are the client's own, statements the policy answers are
 * answered in place, and a failure skips the rest of the batch, as PostgreSQL does.
 */
export async function runExtended(
  exchange: Exchange,
  messages: readonly Buffer[],
  end: 'sync' | 'flush',
): Promise<void> {
  const plain = exchange.client.batch === null ? plainUnitSpec(messages, end) : null
  if (plain !== null) return runPlainUnit(exchange, messages, plain)
  const batch = exchange.client.batch ?? { wrapped: false, failed: false, unsynced: false, outgoing: [] }
  exchange.client.batch = batch
  for (const message of messages) {
    const code = message[0]
    if (batch.failed || code === Frontend.Sync || code === Frontend.Flush) continue
    const pending = translateMessage(exchange, batch, message)
    if (pending !== undefined) await pending
  }
  if (end === 'flush') {
    await sendGroup(exchange, batch, 'flush')
    return exchange.client.flush()
  }
  if (!batch.failed || batch.unsynced) await sendGroup(exchange, batch, 'sync')
  exchange.client.batch = null
  exchange.client.send(readyForQuery(exchange.policy.status(exchange.client)))
  exchange.client.flush()
}
