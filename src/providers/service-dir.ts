import { accessSync, constants, mkdirSync, statfsSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { TestbedError } from '../core/errors.ts'
import { stateDir } from '../core/paths.ts'
import type { Run } from '../core/run-registry.ts'
import { stateDirNotWritable } from '../core/state-dir.ts'
import { chownTree, type RunAsUser } from './run-as-user.ts'

const MB = 1024 * 1024

/**
 * A folder for one service's data, socket and log inside the run dir, owned by the account the
 * server runs as and closed to every other: the unix socket inside it needs no password (decisions/0013).
 */
export function makeServiceDir(run: Run, serviceName: string, runAs: RunAsUser | null): string {
  const dir = join(run.dir, serviceName)
  try {
    accessSync(run.dir, constants.W_OK)
    mkdirSync(dir, { mode: 0o700 })
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

/** A data dir a server could not fill because the state dir's filesystem is full. */
export interface FullStateDir {
  dataDir: string
  neededBytes: number
  /** For messages: `PostgreSQL 18.4 (embedded)`. */
  label: string
  serviceName: string
}

/** One error for a full state dir, instead of the hundreds of ENOSPC lines the tools print. */
export function stateDirFull(full: FullStateDir, cause: unknown): TestbedError {
  return new TestbedError(
    'TESTBED_SERVICE_STATE_DIR_FULL',
    {
      what: `Not enough space in the state dir to start ${full.label} for service "${full.serviceName}"`,
      subject: stateDir(),
      why: `The server's data needs about ${Math.ceil(full.neededBytes / MB)} MB there, and its filesystem has ${freeMegabytes(dirname(full.dataDir))} MB free`,
      fix: 'Free space on that filesystem, or move the state dir to a roomier one with TESTBED_STATE_DIR (for example `export TESTBED_STATE_DIR=/var/tmp/testbed`)',
      details: [`data dir: ${full.dataDir}`],
    },
    { cause },
  )
}

function freeMegabytes(dir: string): string {
  try {
    const stats = statfsSync(dir)
    return ((stats.bavail * stats.bsize) / MB).toFixed(1)
  } catch {
    return 'an unknown number of'
  }
}
