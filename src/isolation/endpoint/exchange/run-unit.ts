import type { ClientUnit } from '../client/client-unit.ts'
import type { Exchange } from './exchange.ts'
import { runExtended } from './extended-batch.ts'
import { runSimpleQuery } from './simple-query.ts'

/** Serves one unit of the exchange's client on its server session. */
export function runUnit(exchange: Exchange, unit: ClientUnit): Promise<void> {
  return unit.kind === 'query' ? runSimpleQuery(exchange, unit.message) : runExtended(exchange, unit.messages, unit.end)
}
