import { accessSync, constants, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { type Run, stateDirNotWritable } from '../core/run-registry.ts'
import { chownTree, type RunAsUser } from './run-as-user.ts'

/** A folder for one service's data, socket and log inside the run dir, owned by the account the server runs as. */
export function makeServiceDir(run: Run, serviceName: string, runAs: RunAsUser | null): string {
  const dir = join(run.dir, serviceName)
  try {
    accessSync(run.dir, constants.W_OK)
    mkdirSync(dir, { mode: 0o755 })
    chownTree(dir, runAs)
  } catch (error) {
    throw stateDirNotWritable(run.dir, `service "${serviceName}"`, error)
  }
  return dir
}
