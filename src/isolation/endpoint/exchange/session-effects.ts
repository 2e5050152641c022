import type { Exchange } from './exchange.ts'
import type { Argument } from './session-statement.ts'
import type { StatementIntent } from './statement-intent.ts'

/**
 * Keeps the client's view of its session in step after a statement about the session ran on the
 * server: its settings (to give them to the next server session that serves it), its LISTEN
 * channels, its prepared statements.
 */
export function recordSessionEffects(
  { client, backend, policy }: Exchange,
  intent: StatementIntent,
  values: ReadonlyArray<string | null> = [],
): void {
  switch (intent.kind) {
    case 'setting': {
      const { change } = intent
      client.settings.record(change)
      if (change.kind === 'reset-all') backend.settings.clear()
      else if (change.kind === 'reset') backend.settings.reset(change.name)
      else if (change.local) policy.setLocally(client, change.name)
      else backend.settings.set(change.name, change)
      return
    }
    case 'listen':
      client.channels.add(intent.channel)
      return
    case 'unlisten':
      if (intent.channel === null) client.channels.clear()
      else client.channels.delete(intent.channel)
      return
    case 'notify-call': {
      const [channel, payload] = [argumentValue(intent.channel, values), argumentValue(intent.payload, values)]
      if (channel !== null && payload !== null) policy.notified(client, channel, payload)
      return
    }
    case 'deallocate-all':
      client.statements.clear()
      backend.statements.clear()
      return
    default:
      return
  }
}

function argumentValue(argument: Argument, values: ReadonlyArray<string | null>): string | null {
  return 'value' in argument ? argument.value : (values[argument.parameter - 1] ?? null)
}
