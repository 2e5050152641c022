import type { OpenBatch } from '../client/client-unit.ts'
import { BIND_COMPLETE, CLOSE_COMPLETE, NO_DATA, NO_PARAMETERS, PARSE_COMPLETE } from '../wire/backend-messages.ts'
import {
  Frontend,
  readBind,
  readBindParameters,
  readExecute,
  readTarget,
  type TargetMessage,
  writeBind,
  writeClose,
  writeDescribe,
  writeExecute,
  writeParse,
} from '../wire/frontend-messages.ts'
import { answerHere, failHere, queueMessage, queueReplies } from './batch-group.ts'
import type { Exchange } from './exchange.ts'
import { missingPortal, missingStatement, statementExists } from './protocol-errors.ts'
import { recordSessionEffects } from './session-effects.ts'
import { parsed, type StatementSpec } from './statement-spec.ts'

type Step = Promise<void> | undefined

/** Translates one extended-protocol message of the client for the shared server session. */
export function translateMessage(exchange: Exchange, batch: OpenBatch, message: Buffer): Step {
  switch (message[0]) {
    case Frontend.Parse:
      return parse(exchange, batch, message)
    case Frontend.Bind:
      return bind(exchange, batch, message)
    case Frontend.Describe:
      return describe(exchange, batch, message)
    case Frontend.Execute:
      return execute(exchange, batch, message)
    case Frontend.Close:
      return close(exchange, batch, readTarget(message))
    default:
      // Nothing else belongs in a batch; the server judges it and answers as it would.
      queueMessage(exchange, batch, message, { until: 'execute', forward: 'all' })
      return undefined
  }
}

function parse(exchange: Exchange, batch: OpenBatch, message: Buffer): Step {
  const { name, spec } = parsed(message)
  const { client, backend, policy } = exchange
  if (name !== '' && client.statements.has(name)) return failHere(exchange, batch, statementExists(name))
  if (spec.statement.intent.kind === 'refused' && policy.answers(spec.statement.intent)) {
    return policy.answer(client, spec.statement).then(undefined, (error: unknown) => failHere(exchange, batch, error))
  }
  client.statements.set(name, spec)
  const forget = () => client.statements.delete(name)
  if (policy.answers(spec.statement.intent)) return queueReplies(exchange, [PARSE_COMPLETE])
  if (name === '') return parseUnnamed(exchange, batch, spec, 'all', forget, message)
  if (backend.statements.nameOf(spec.key) !== undefined) return queueReplies(exchange, [PARSE_COMPLETE])
  prepareNamed(exchange, batch, spec, 'all', forget)
  return undefined
}

function bind(exchange: Exchange, batch: OpenBatch, message: Buffer): Step {
  const { portal, statement, tail } = readBind(message)
  const { client, backend, policy } = exchange
  const spec = client.statements.get(statement)
  if (spec === undefined) return failHere(exchange, batch, missingStatement(statement))
  client.portals.set(portal, spec)
  if (spec.statement.intent.kind === 'notify-call') client.portalValues.set(portal, readBindParameters(tail))
  if (policy.answers(spec.statement.intent)) return queueReplies(exchange, [BIND_COMPLETE])
  const serverName = serverStatement(exchange, batch, statement, spec)
  if (portal === '') backend.statements.unnamedPortalOwner = client
  // The common case, an unnamed statement into the unnamed portal, goes to the server as it came.
  const rewritten =
    portal === '' && serverName === statement ? message : writeBind(client.serverPortal(portal), serverName, tail)
  return queueMessage(exchange, batch, rewritten, {
    until: 1,
    forward: 'all',
    onFail: () => client.portals.delete(portal),
  })
}

function describe(exchange: Exchange, batch: OpenBatch, message: Buffer): Step {
  const target = readTarget(message)
  const { client, policy } = exchange
  const spec = target.type === 'S' ? client.statements.get(target.name) : portalSpec(exchange, target.name)
  if (spec === undefined) return failHere(exchange, batch, missingTarget(target))
  const answered = policy.answers(spec.statement.intent)
  if (target.type === 'P') {
    if (answered) return queueReplies(exchange, [NO_DATA])
    const rewritten =
      target.name === '' ? message : writeDescribe({ type: 'P', name: client.serverPortal(target.name) })
    return queueMessage(exchange, batch, rewritten, {
      until: 1,
      forward: 'all',
    })
  }
  if (answered) return queueReplies(exchange, [NO_PARAMETERS, NO_DATA])
  const name = serverStatement(exchange, batch, target.name, spec)
  const rewritten = name === target.name ? message : writeDescribe({ type: 'S', name })
  return queueMessage(exchange, batch, rewritten, { until: 2, forward: 'all' })
}

function execute(exchange: Exchange, batch: OpenBatch, message: Buffer): Step {
  const { portal, tail } = readExecute(message)
  const spec = portalSpec(exchange, portal)
  if (spec === undefined) return failHere(exchange, batch, missingPortal(portal))
  const { statement } = spec
  if (exchange.policy.answers(statement.intent)) return answerHere(exchange, batch, statement)
  if (spec.copiesIn) batch.copies = true
  const values = exchange.client.portalValues.get(portal)
  const onDone =
    statement.intent.kind === 'plain' ? undefined : () => recordSessionEffects(exchange, statement.intent, values)
  const rewritten = portal === '' ? message : writeExecute(exchange.client.serverPortal(portal), tail)
  return queueMessage(exchange, batch, rewritten, {
    until: 'execute',
    forward: 'all',
    onDone,
  })
}

function close(exchange: Exchange, batch: OpenBatch, target: TargetMessage): Step {
  const { client, policy } = exchange
  // The server keeps its statement for the next client that prepares the same text.
  if (target.type === 'S') {
    client.statements.delete(target.name)
    return queueReplies(exchange, [CLOSE_COMPLETE])
  }
  const spec = portalSpec(exchange, target.name)
  client.portals.delete(target.name)
  if (spec === undefined || policy.answers(spec.statement.intent)) return queueReplies(exchange, [CLOSE_COMPLETE])
  return queueMessage(exchange, batch, writeClose({ type: 'P', name: client.serverPortal(target.name) }), {
    until: 1,
    forward: 'all',
  })
}

/** The client's portal, if it still exists: the server session holds it for this client, or the endpoint answers it. */
function portalSpec({ client, backend, policy }: Exchange, name: string): StatementSpec | undefined {
  const spec = client.portals.get(name)
  if (spec === undefined || name !== '' || policy.answers(spec.statement.intent)) return spec
  return backend.statements.unnamedPortalOwner === client ? spec : undefined
}

/** The server's name of the client's statement, preparing it first if this session lacks it. */
function serverStatement(exchange: Exchange, batch: OpenBatch, name: string, spec: StatementSpec): string {
  const { statements } = exchange.backend
  if (name !== '') return statements.nameOf(spec.key) ?? prepareNamed(exchange, batch, spec, 'errors')
  if (statements.unnamed !== spec.key) parseUnnamed(exchange, batch, spec, 'errors')
  return ''
}

function prepareNamed(
  exchange: Exchange,
  batch: OpenBatch,
  spec: StatementSpec,
  forward: 'all' | 'errors',
  onFail?: () => void,
): string {
  const { statements } = exchange.backend
  const name = statements.add(spec.key)
  queueMessage(exchange, batch, writeParse(name, spec.tail), {
    until: 1,
    forward,
    onFail: () => {
      statements.forget(spec.key)
      onFail?.()
    },
  })
  return name
}

function parseUnnamed(
  exchange: Exchange,
  batch: OpenBatch,
  spec: StatementSpec,
  forward: 'all' | 'errors',
  onFail?: () => void,
  original?: Buffer,
): undefined {
  const { statements } = exchange.backend
  statements.unnamed = spec.key
  return queueMessage(exchange, batch, original ?? writeParse('', spec.tail), {
    until: 1,
    forward,
    onFail: () => {
      statements.unnamed = null
      onFail?.()
    },
  })
}

function missingTarget(target: TargetMessage): Error {
  return target.type === 'S' ? missingStatement(target.name) : missingPortal(target.name)
}
