import { randomBytes } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { identify, isRunning, type ProcessIdentity } from './process-identity.ts'
import { isHandleRunning, type ServiceHandle, stopHandle, stopHandleSync } from './service-handle.ts'
import { letServersThrough, privateStateDir, stateDirNotWritable } from './state-dir.ts'

/** One service a run knows about: a server it started, or an external one it reached by URL. */
export interface ServiceRecord {
  name: string
  kind: string
  provider: string
  url: string
  version: string
  /** What to stop: a process or a container testbed started; null for servers it did not start (external URLs). */
  handle: ServiceHandle | null
}

// What runs recorded before handles: a process (or null) and its stop signal.
interface OldServiceRecord extends Omit<ServiceRecord, 'handle'> {
  process: ProcessIdentity | null
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

/** The folder of run dirs, inside the verified state dir: every read or write of a record starts here. */
export function runsDir(): string {
  return join(privateStateDir(), 'runs')
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
    const runs = runsDir()
    const dir = join(runs, id)
    try {
      mkdirSync(dir, { recursive: true, mode: 0o755 })
      for (const passage of [dirname(runs), runs]) letServersThrough(passage)
    } catch (error) {
      throw stateDirNotWritable(dirname(runs), 'this run', error)
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
      const record = JSON.parse(readFileSync(join(dir, RECORD_FILE), 'utf8')) as RunRecord
      return new Run(dir, { ...record, services: record.services.map(withHandle) })
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

  /**
   * Puts the records in the order the config declares the services: they are recorded as each
   * server answers, and `TESTBED_<KIND>_URL` goes to the first of a kind, which must not depend on
   * which server was quicker.
   */
  orderServices(names: readonly string[]): void {
    const position = (service: ServiceRecord) => {
      const index = names.indexOf(service.name)
      return index === -1 ? names.length : index
    }
    this.record.services.sort((a, b) => position(a) - position(b))
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
    return this.record.services.every((service) => service.handle === null || isHandleRunning(service.handle))
  }

  /** Stops every server the run started: the one stop path of a run (the owner, its exit hook, the watchdog, the reaper). */
  async stopServices(): Promise<void> {
    await Promise.all(this.record.services.map((service) => service.handle && stopHandle(service.handle)))
  }

  /** The same, blocking: for exit handlers. */
  stopServicesSync(): void {
    for (const service of this.record.services) if (service.handle) stopHandleSync(service.handle)
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

export function listRuns(): Run[] {
  return listRunDirs().flatMap((dir) => Run.read(dir) ?? [])
}

function listRunDirs(): string[] {
  const runs = runsDir()
  try {
    return readdirSync(runs).map((name) => join(runs, name))
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

/**
 * The watchdog's half of reaping (run-watchdog.ts): once the owner of the run in `dir` has died,
 * stops its servers and deletes it. Leaves a detached run, and one whose owner still lives after
 * `graceMs` (it closed the watchdog's pipe without dying), alone.
 */
export async function reapRunOf(dir: string, graceMs = 5000): Promise<boolean> {
  if (dirname(dir) !== runsDir()) return false
  const run = Run.read(dir)
  if (run === null) return false
  const deadline = Date.now() + graceMs
  // The kernel closes a dying process's pipes before it is gone from the process table.
  while (run.ownerAlive() && Date.now() < deadline) await sleep(10)
  const current = Run.read(dir)
  if (current === null || current.isLive()) return false
  await current.stopServices()
  current.remove()
  return true
}

function removeIfAbandoned(dir: string): void {
  try {
    if (Date.now() - statSync(dir).mtimeMs > UNRECORDED_GRACE_MS) rmSync(dir, { recursive: true, force: true })
  } catch {
    // Another process removed it first.
  }
}

/** A record as read from disk, in today's shape: a run left by an earlier version recorded `process` and `stopSignal`. */
function withHandle(service: ServiceRecord | OldServiceRecord): ServiceRecord {
  if ('handle' in service) return service
  const { process, stopSignal, ...rest } = service
  return { ...rest, handle: process === null ? null : { type: 'process', process, stopSignal } }
}
