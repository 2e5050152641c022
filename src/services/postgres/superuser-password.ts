import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { SUPERUSER } from './initdb-cache.ts'
import { scramVerifier } from './scram-verifier.ts'

// The password is 256 random bits, so stretching it buys nothing against guessing, while every
// connection pays for it in PBKDF2 (4096 iterations ≈ 2–3 ms in Node): see decisions/0013.
const SCRAM_ITERATIONS = 1

/** A fresh random password for one server's superuser, and the secret PostgreSQL stores for it. */
export interface SuperuserPassword {
  password: string
  verifier: string
}

export function createSuperuserPassword(): SuperuserPassword {
  const password = randomBytes(32).toString('base64url')
  return { password, verifier: scramVerifier(password, SCRAM_ITERATIONS) }
}

/** The URL of the server's unix socket, where the superuser needs no password (the folder is private). */
export function socketUrl(socketDir: string, port: number): string {
  return `postgresql://${SUPERUSER}@/postgres?host=${encodeURIComponent(socketDir)}&port=${port}`
}

/**
 * Sets the superuser's password through the unix socket; true once the server answered. Doubles as
 * the readiness check (a real statement), and runs again after a restart, so a snapshot that saved
 * no password still starts locked.
 */
export async function lockSuperuser(socket: string, verifier: string, timeoutMs = 1000): Promise<boolean> {
  return runOnSocket(socket, `ALTER ROLE ${SUPERUSER} PASSWORD '${verifier}'`, timeoutMs)
}

/** Removes the password before the cluster is saved as a snapshot: a cache file holds no secret. */
export async function unlockSuperuser(socket: string): Promise<boolean> {
  return runOnSocket(socket, `ALTER ROLE ${SUPERUSER} PASSWORD NULL`, 5000)
}

// READ WRITE: a user's `default_transaction_read_only` setting must not block the server's own setup.
async function runOnSocket(socket: string, statement: string, timeoutMs: number): Promise<boolean> {
  const client = new pg.Client({ connectionString: socket, connectionTimeoutMillis: timeoutMs })
  client.on('error', () => {})
  try {
    await client.connect()
    await client.query(`BEGIN READ WRITE; ${statement}; COMMIT`)
    return true
  } catch {
    return false
  } finally {
    await client.end().catch(() => {})
  }
}
