import type { OpenBatch } from '../client/client-unit.ts'
import { errorResponseFor } from '../endpoint-errors.ts'
import { commandComplete } from '../wire/backend-messages.ts'
import { FLUSH, SYNC } from '../wire/frontend-messages.ts'
import type { Exchange } from './exchange.ts'
import type { Expectation } from './reply-router.ts'
import { queueRelease, queueSavepoint, queueSessionSetup, releaseSavepoint, undoToSavepoint } from './server-round.ts'
import type { IntendedStatement } from './statement-intent.ts'

/** Queues one translated message for the server, opening the group first if it is the first. */
export function queueMessage(
  exchange: Exchange,
  batch: OpenBatch,
  message: Buffer,
  expectation: Expectation,
): undefined {
  if (batch.outgoing.length === 0 && !batch.unsynced && !batch.wrapped) openGroup(exchange, batch)
  batch.outgoing.push(message)
  exchange.router.expect(expectation)
  return undefined
}

/** Queues replies the endpoint makes itself, in their place among the server's. */
export function queueReplies({ router }: Exchange, messages: readonly Buffer[]): undefined {
  router.expect({ until: 1, forward: 'all', synthetic: messages })
  return undefined
}

/** The statement fails here: what came before it runs, then the client gets `error`, then nothing until its Sync. */
export async function failHere(exchange: Exchange, batch: OpenBatch, error: unknown): Promise<void> {
  await sendGroup(exchange, batch, 'sync')
  if (batch.failed) return
  exchange.client.send(errorResponseFor(error))
  batch.failed = true
}

/** Runs what came before a statement the endpoint answers, then answers it. */
export async function answerHere(exchange: Exchange, batch: OpenBatch, statement: IntendedStatement): Promise<void> {
  await sendGroup(exchange, batch, 'sync')
  if (batch.failed) return
  try {
    exchange.client.send(commandComplete(await exchange.policy.answer(exchange.client, statement)))
  } catch (error) {
    exchange.client.send(errorResponseFor(error))
    batch.failed = true
  }
}

function openGroup(exchange: Exchange, batch: OpenBatch): void {
  queueSessionSetup(exchange, batch.outgoing)
  if (!exchange.policy.wraps(exchange.client)) return
  queueSavepoint(exchange, batch.outgoing)
  batch.wrapped = true
}

/**
 * Sends the queued messages and waits for their replies. A `sync` group ends with a Sync, then
 * releases the batch's savepoint, or undoes the batch to it if anything failed; a `flush` group
 * leaves both open for the rest of the batch.
 */
export async function sendGroup(exchange: Exchange, batch: OpenBatch, end: 'sync' | 'flush'): Promise<void> {
  const { backend, router } = exchange
  if (end === 'flush' && batch.outgoing.length === 0) return
  if (end === 'sync' && batch.outgoing.length === 0 && !batch.unsynced && !batch.wrapped) return
  if (end === 'flush') {
    batch.outgoing.push(FLUSH)
  } else {
    if (batch.wrapped && !batch.failed && batch.copies !== true) queueRelease(exchange, batch.outgoing)
    batch.outgoing.push(SYNC)
    router.expect({ until: 'ready', forward: 'all' })
  }
  backend.write(batch.outgoing)
  batch.outgoing = []
  if ((await router.settled()) !== null) batch.failed = true
  batch.unsynced = end === 'flush'
  if (end === 'flush') return
  if (batch.wrapped && batch.failed) await undoToSavepoint(exchange)
  else if (batch.wrapped && batch.copies === true) await releaseSavepoint(exchange)
  batch.wrapped = false
  batch.copies = false
}
