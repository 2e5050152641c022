import { accessSync, constants, mkdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { TestbedError } from '../core/errors.ts'
import type { Run } from '../core/run-registry.ts'
import { stateDirNotWritable } from '../core/state-dir.ts'
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
  if (runAs) assertReachable(dir, serviceName, runAs)
  return dir
}

// The server runs as another account, so every folder above its data dir must let others through.
function assertReachable(dir: string, serviceName: string, runAs: RunAsUser): void {
  for (let current = dirname(dir); current !== dirname(current); current = dirname(current)) {
    const { mode, uid } = statSync(current)
    if (uid !== runAs.uid && (mode & 0o001) === 0) throw unreachable(current, serviceName, runAs)
  }
}

function unreachable(blocking: string, serviceName: string, runAs: RunAsUser): TestbedError {
  return new TestbedError('TESTBED_SERVICE_DATA_DIR_NOT_REACHABLE', {
    what: `The account "${runAs.name}" cannot reach the data dir of service "${serviceName}"`,
    subject: blocking,
    why: `testbed runs as root, so the server runs as "${runAs.name}", and that folder does not let other accounts through`,
    fix: `Run \`chmod o+x ${blocking}\`, or point TESTBED_STATE_DIR at a folder every account can reach (the default under /tmp works)`,
  })
}
