import { execFile, spawnSync } from 'node:child_process'
import { promisify } from 'node:util'
import { stopProcess, stopProcessSync } from './process-control.ts'
import { isRunning, type ProcessIdentity } from './process-identity.ts'
import { processWide } from './process-wide.ts'

const run = promisify(execFile)

/**
 * A server testbed started, as its run records it: a process it spawned, or a container a container
 * engine runs for it. Everything that stops or reaps a server goes through `stopHandle`, whichever it is.
 */
export type ServiceHandle = ProcessHandle | ContainerHandle

/** A server process testbed spawned (`local` and `embedded` providers). */
export interface ProcessHandle {
  readonly type: 'process'
  readonly process: ProcessIdentity
  /** The signal that makes this server shut down quickly and cleanly. */
  readonly stopSignal: NodeJS.Signals
}

/** A container testbed had a container engine start (a `docker` provider). */
export interface ContainerHandle {
  readonly type: 'container'
  /** The engine's command, found on PATH: `docker` or `podman`. */
  readonly runtime: ContainerRuntime
  /** The container's id as the engine printed it (12 to 64 hex digits). */
  readonly id: string
}

export type ContainerRuntime = 'docker' | 'podman'

const RUNTIMES: readonly string[] = ['docker', 'podman']
// Containers testbed itself is removing: their end is no surprise (see `wasContainerRemoved`).
const removing = processWide('service-handle.removing', () => new Set<string>())
const CONTAINER_ID = /^[0-9a-f]{12,64}$/

/** True while the server runs: a verified live process, or a running container. */
export function isHandleRunning(handle: ServiceHandle): boolean {
  if (handle.type === 'process') return isRunning(handle.process)
  if (!isTrustedContainer(handle)) return false
  const inspected = spawnSync(handle.runtime, ['container', 'inspect', '--format', '{{.State.Running}}', handle.id], {
    encoding: 'utf8',
  })
  return inspected.status === 0 && inspected.stdout.trim() === 'true'
}

/**
 * Stops the server and frees what it held: a process gets its stop signal, then SIGKILL (only when
 * it is provably the one recorded); a container is removed with its anonymous volumes. Never throws:
 * a server already gone is stopped.
 */
export async function stopHandle(handle: ServiceHandle): Promise<void> {
  if (handle.type === 'process') return stopProcess(handle.process, handle.stopSignal)
  if (!isTrustedContainer(handle)) return
  removing.add(handle.id)
  await run(handle.runtime, removeArgs(handle)).catch(() => {})
}

/** The same as `stopHandle`, blocking: for exit handlers, where no promise will ever settle. */
export function stopHandleSync(handle: ServiceHandle): void {
  if (handle.type === 'process') stopProcessSync(handle.process, handle.stopSignal)
  else if (isTrustedContainer(handle)) {
    removing.add(handle.id)
    spawnSync(handle.runtime, removeArgs(handle), { stdio: 'ignore' })
  }
}

/** True when testbed itself removed (or is removing) this container, so its end is no surprise. */
export function wasContainerRemoved(id: string): boolean {
  return removing.has(id)
}

/** `pid 1234`, `docker container 3f2a9c1d0b7e`: for tables and messages. */
export function describeHandle(handle: ServiceHandle): string {
  return handle.type === 'process'
    ? `pid ${handle.process.pid}`
    : `${handle.runtime} container ${handle.id.slice(0, 12)}`
}

function removeArgs(handle: ContainerHandle): string[] {
  return ['container', 'rm', '--force', '--volumes', handle.id]
}

// A record names the command testbed runs to remove a container: only an engine's own name, looked
// up on PATH, and an id that cannot be read as an option, however the record was written.
function isTrustedContainer(handle: ContainerHandle): boolean {
  return RUNTIMES.includes(handle.runtime) && CONTAINER_ID.test(handle.id)
}
