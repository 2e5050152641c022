import { backendKeyData, parameterStatus, readyForQuery } from '../wire/backend-messages.ts'
import type { ClientSession } from './client-session.ts'

/**
 * What a server tells a new session after authentication: its parameter statuses (the server's,
 * with the client's own startup values where it gave some, as PostgreSQL reports them), the key
 * to cancel with, and ReadyForQuery.
 */
export function greet(
  client: ClientSession,
  serverParameters: ReadonlyMap<string, string>,
  startup: Readonly<Record<string, string>>,
): void {
  const given = new Map(Object.entries(startup).map(([name, value]) => [name.toLowerCase(), value]))
  for (const [name, value] of serverParameters) {
    client.send(parameterStatus(name, given.get(name.toLowerCase()) ?? value))
  }
  client.send(backendKeyData(client.processId, client.secretKey))
  client.send(readyForQuery('I'))
  client.flush()
}
