import { chownSync, readFileSync } from 'node:fs'
import { ENV, readEnv } from '../core/env.ts'
import { TestbedError } from '../core/errors.ts'

/**
 * The unprivileged account servers run as when testbed runs as root: PostgreSQL refuses root, and a
 * test server holding root's powers (Redis `SAVE`, `CONFIG SET dir`) would write files as root.
 */
export interface RunAsUser {
  name: string
  uid: number
  gid: number
}

const PREFERRED_ACCOUNTS = ['postgres', 'nobody']

/** Null when the caller is not root: servers then run as the caller. */
export function unprivilegedUser(): RunAsUser | null {
  if (process.getuid?.() !== 0) return null
  const requested = readEnv(ENV.runAs)
  const accounts = readAccounts()
  if (requested) return accounts.get(requested) ?? throwUnknownAccount(requested)
  for (const name of PREFERRED_ACCOUNTS) {
    const account = accounts.get(name)
    if (account) return account
  }
  return throwUnknownAccount(PREFERRED_ACCOUNTS.join(' or '))
}

export function spawnIdentity(user: RunAsUser | null): { uid?: number; gid?: number } {
  return user ? { uid: user.uid, gid: user.gid } : {}
}

function readAccounts(): Map<string, RunAsUser> {
  const accounts = new Map<string, RunAsUser>()
  for (const line of safeRead('/etc/passwd').split('\n')) {
    const [name, , uid, gid] = line.split(':')
    if (name && uid && gid) accounts.set(name, { name, uid: Number(uid), gid: Number(gid) })
  }
  return accounts
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return ''
  }
}

function throwUnknownAccount(name: string): never {
  throw new TestbedError('TESTBED_SERVICE_NO_UNPRIVILEGED_USER', {
    what: 'Cannot find an unprivileged account to run servers as',
    subject: name,
    why: 'testbed runs as root, and servers run as another account (PostgreSQL refuses root, and a test server must not hold root’s powers)',
    fix: 'Set TESTBED_RUN_AS to an existing account (for example `nobody`), or run testbed as a normal user',
  })
}

/** Hands a directory testbed made (as root) to the account the server runs as. */
export function chownTree(dir: string, user: RunAsUser | null): void {
  if (user) chownSync(dir, user.uid, user.gid)
}
