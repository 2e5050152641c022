import { randomBytes } from 'node:crypto'
import { chmodSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describeCause, TestbedError } from './errors.ts'
import { stateDir } from './paths.ts'
import { stopProcess } from './process-control.ts'
import { identify, isRunning, type ProcessIdentity } from './process-identity.ts'

/** One service process (or external endpoint) a run knows about. */
export interface ServiceRecord {
  name: string
  kind: string
  provider: string
  url: string
  version: string
  /** Null for services testbed did not start (external URLs). */
  process: ProcessIdentity | null
  /** The signal that makes this server shut down quickly and cleanly. */
  stopSignal: NodeJS.Signals
}

/** What a run directory's `run.json` holds. */
export interface RunRecord {
  id: string
  owner: ProcessIdentity
  /** Detached runs (`testbed services up --detach`) outlive their owner on purpose. */
  detached: boolean
  projectDir: string
  configHash: string
  createdAt: string
  services: ServiceRecord[]
}

const RECORD_FILE = 'run.json'
// A run dir without a record is a start that died before writing one; leave it a moment in case it is still being made.
const UNRECORDED_GRACE_MS = 60_000

export function runsDir(): string {
  return join(stateDir(), 'runs')
}

/** A run directory: the record of what one testbed process started, and the data those services keep. */
export class Run {
  readonly dir: string
  record: RunRecord

  private constructor(dir: string, record: RunRecord) {
    this.dir = dir
    this.record = record
  }

  static create(options: { projectDir: string; configHash: string; detached: boolean }): Run {
    const id = `${Date.now().toString(36)}-${process.pid}-${randomBytes(3).toString('hex')}`
    const dir = join(runsDir(), id)
    try {
      mkdirSync(dir, { recursive: true, mode: 0o755 })
      allowTraversal([stateDir(), runsDir()])
    } catch (error) {
      throw stateDirNotWritable(stateDir(), 'this run', error)
    }
    const record: RunRecord = {
      id,
      owner: identify(process.pid),
      createdAt: new Date().toISOString(),
      services: [],
      ...options,
    }
    const run = new Run(dir, record)
    run.save()
    return run
  }

  static read(dir: string): Run | null {
    try {
      return new Run(dir, JSON.parse(readFileSync(join(dir, RECORD_FILE), 'utf8')) as RunRecord)
    } catch {
      return null
    }
  }

  /** Records a service; a restarted one replaces its old record. */
  addService(service: ServiceRecord): void {
    const others = this.record.services.filter((existing) => existing.name !== service.name)
    this.record.services.splice(0, this.record.services.length, ...others, service)
    this.save()
  }

  detach(): void {
    this.record.detached = true
    this.save()
  }

  ownerAlive(): boolean {
    return isRunning(this.record.owner)
  }

  /** A run is live while its owner lives, or, when detached, while every server it started still runs. */
  isLive(): boolean {
    if (!this.record.detached) return this.ownerAlive()
    return this.record.services.every((service) => service.process === null || isRunning(service.process))
  }

  async stopServices(): Promise<void> {
    await Promise.all(
      this.record.services.map((service) => service.process && stopProcess(service.process, service.stopSignal)),
    )
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true, maxRetries: 3 })
  }

  private save(): void {
    const temporary = join(this.dir, `${RECORD_FILE}.${process.pid}.tmp`)
    // The record holds the servers' passwords (in their URLs): for this account's eyes only.
    writeFileSync(temporary, `${JSON.stringify(this.record, null, 2)}\n`, { mode: 0o600 })
    renameSync(temporary, join(this.dir, RECORD_FILE))
  }
}

// Servers may run as another account (PostgreSQL refuses root), which must be able to reach its data dir.
function allowTraversal(dirs: string[]): void {
  for (const dir of dirs) {
    const mode = statSync(dir).mode
    if ((mode & 0o011) !== 0o011) chmodSync(dir, mode | 0o011)
  }
}

export function listRuns(): Run[] {
  return listRunDirs().flatMap((dir) => Run.read(dir) ?? [])
}

function listRunDirs(): string[] {
  try {
    return readdirSync(runsDir()).map((name) => join(runsDir(), name))
  } catch {
    return []
  }
}

/** Stops what dead runs left behind (their owner was SIGKILLed) and deletes their data. Returns what it reaped. */
export async function reapOrphans(): Promise<RunRecord[]> {
  const reaped: RunRecord[] = []
  for (const dir of listRunDirs()) {
    const run = Run.read(dir)
    if (run === null) {
      removeIfAbandoned(dir)
      continue
    }
    if (run.isLive()) continue
    await run.stopServices()
    run.remove()
    reaped.push(run.record)
  }
  return reaped
}

function removeIfAbandoned(dir: string): void {
  try {
    if (Date.now() - statSync(dir).mtimeMs > UNRECORDED_GRACE_MS) rmSync(dir, { recursive: true, force: true })
  } catch {
    // Another process removed it first.
  }
}

export function stateDirNotWritable(dir: string, serviceName: string, cause: unknown): TestbedError {
  return new TestbedError(
    'TESTBED_SERVICE_DATA_DIR_NOT_WRITABLE',
    {
      what: `Cannot create a data dir for ${serviceName} under the state dir`,
      subject: dir,
      why: `testbed keeps each server's data, socket and log there, and creating a folder in it failed (${describeCause(cause)})`,
      fix: 'Point TESTBED_STATE_DIR at a writable folder, or make that one writable',
    },
    { cause },
  )
}
