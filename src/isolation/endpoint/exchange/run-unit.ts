import type { ClientUnit } from '../client/client-unit.ts'
import { ServerError } from '../endpoint-errors.ts'
import { errorResponse } from '../wire/backend-messages.ts'
import type { Exchange } from './exchange.ts'
import { runExtended } from './extended-batch.ts'
import { runSimpleQuery } from './simple-query.ts'

/** Serves one unit of the exchange's client on its server session. */
export function runUnit(exchange: Exchange, unit: ClientUnit): Promise<void> {
  if (exchange.client.takeCancelRequest()) return Promise.reject(cancelledByUser())
  return unit.kind === 'query' ? runSimpleQuery(exchange, unit.message) : runExtended(exchange, unit.messages, unit.end)
}

// PostgreSQL's own answer to a cancelled statement, so drivers treat it as they would the server's.
function cancelledByUser(): ServerError {
  return new ServerError(errorResponse({ code: '57014', message: 'canceling statement due to user request' }))
}
