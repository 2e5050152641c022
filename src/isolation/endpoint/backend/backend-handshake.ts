import { continueSession, finalizeSession, startSession } from 'pg/lib/crypto/sasl.js'
import { postgresMd5PasswordHash } from 'pg/lib/crypto/utils.js'
import { serialize } from 'pg-protocol'
import type { BackendMessage } from 'pg-protocol/dist/messages.js'
import { decodeBackendMessage } from '../wire/backend-messages.ts'

/** What a server tells a new session before its first ReadyForQuery. */
export interface SessionStart {
  readonly processId: number
  readonly secretKey: number
  readonly parameters: ReadonlyMap<string, string>
}

/** The side of a connection the handshake talks through. */
export interface HandshakeChannel {
  send(message: Buffer): void
  /** The next whole message from the server. */
  next(): Promise<Buffer>
}

export interface Credentials {
  readonly user: string
  readonly password: string | undefined
  readonly database: string
}

type AuthMessage = BackendMessage & { mechanisms?: string[]; data?: string; salt?: Buffer }

/**
 * Runs the startup of a session as a client: the StartupMessage, whatever authentication the
 * server asks for (trust, cleartext, MD5, SCRAM-SHA-256 through pg's own SASL code), then the
 * parameter statuses and the key for cancelling, up to the first ReadyForQuery.
 */
export async function startSessionOn(channel: HandshakeChannel, credentials: Credentials): Promise<SessionStart> {
  channel.send(serialize.startup({ user: credentials.user, database: credentials.database }))
  const parameters = new Map<string, string>()
  let key = { processId: 0, secretKey: 0 }
  const sasl: { session?: ReturnType<typeof startSession> } = {}
  for (;;) {
    const message = decodeBackendMessage(await channel.next()) as AuthMessage & Record<string, unknown>
    switch (message.name) {
      case 'readyForQuery':
        return { ...key, parameters }
      case 'parameterStatus':
        parameters.set(String(message.parameterName), String(message.parameterValue))
        break
      case 'backendKeyData':
        key = { processId: Number(message.processID), secretKey: Number(message.secretKey) }
        break
      case 'error':
        throw message
      default:
        await authenticate(channel, credentials, message, sasl)
    }
  }
}

async function authenticate(
  channel: HandshakeChannel,
  { user, password }: Credentials,
  message: AuthMessage,
  sasl: { session?: ReturnType<typeof startSession> },
): Promise<void> {
  switch (message.name) {
    case 'authenticationCleartextPassword':
      channel.send(serialize.password(requirePassword(password)))
      return
    case 'authenticationMD5Password':
      channel.send(
        serialize.password(await postgresMd5PasswordHash(user, requirePassword(password), message.salt as Buffer)),
      )
      return
    case 'authenticationSASL':
      sasl.session = startSession(message.mechanisms ?? [])
      channel.send(serialize.sendSASLInitialResponseMessage(sasl.session.mechanism, sasl.session.response))
      return
    case 'authenticationSASLContinue':
      if (sasl.session === undefined) throw new Error('SASL: continue before start')
      await continueSession(sasl.session, requirePassword(password), message.data ?? '')
      channel.send(serialize.sendSCRAMClientFinalMessage(sasl.session.response))
      return
    case 'authenticationSASLFinal':
      if (sasl.session !== undefined) finalizeSession(sasl.session, message.data ?? '')
      return
    default:
      // authenticationOk, and notices the server may send before it is ready.
      return
  }
}

function requirePassword(password: string | undefined): string {
  if (password === undefined || password === '') throw new Error('the server asked for a password and the URL has none')
  return password
}
