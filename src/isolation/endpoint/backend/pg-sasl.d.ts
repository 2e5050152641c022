// pg exports its lib/ folder (`"./lib/*"` in its package.json) but ships no types for it.
declare module 'pg/lib/crypto/sasl.js' {
  export interface SaslSession {
    mechanism: string
    response: string
  }
  export function startSession(mechanisms: string[]): SaslSession
  export function continueSession(session: SaslSession, password: string, serverData: string): Promise<void>
  export function finalizeSession(session: SaslSession, serverData: string): void
}

declare module 'pg/lib/crypto/utils.js' {
  export function postgresMd5PasswordHash(user: string, password: string, salt: Buffer): Promise<string>
}
