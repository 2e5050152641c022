import { spawnSync } from 'node:child_process'

export interface AccountResult {
  code: number | null
  stdout: string
  stderr: string
}

/** Another local account than the one servers run as: what a stranger on the same machine can do. */
export const STRANGER = 'nobody'

/** Runs a command as `nobody` (needs root), the way another user of the machine would run it. */
export function asStranger(command: string, args: string[]): AccountResult {
  const result = spawnSync('runuser', ['-u', STRANGER, '--', command, ...args], { encoding: 'utf8', timeout: 20_000 })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

/** Only root can act as another account; the tests using it skip otherwise. */
export const NOT_ROOT = process.getuid?.() !== 0
