import { setTimeout as sleep } from 'node:timers/promises'
import { isRunning, isVerified, leadsItsGroup, type ProcessIdentity } from './process-identity.ts'
import { processWide } from './process-wide.ts'
import { releaseSharedMemory } from './shared-memory.ts'

const POLL_MS = 10
// How long a SIGKILLed process may take to be gone, before its shared memory is released.
const KILL_GRACE_MS = 1000

/**
 * Asks a process to stop with its own shutdown signal; kills its process group if it has not
 * exited in time. Does nothing unless the process is provably the one recorded (`isVerified`).
 */
export async function stopProcess(target: ProcessIdentity, signal: NodeJS.Signals, timeoutMs = 5000): Promise<void> {
  if (askToStop(target, signal)) {
    const deadline = Date.now() + timeoutMs
    while (isRunning(target) && Date.now() <= deadline) await sleep(POLL_MS)
    if (isRunning(target)) kill(target)
    while (isRunning(target) && Date.now() <= deadline + KILL_GRACE_MS) await sleep(POLL_MS)
  }
  // A server killed before (or by) us could not remove its shared memory itself.
  releaseSharedMemory(target)
}

/** The same as `stopProcess`, blocking: for exit handlers, where no promise will ever settle. */
export function stopProcessSync(target: ProcessIdentity, signal: NodeJS.Signals, timeoutMs = 2000): void {
  if (askToStop(target, signal)) {
    const deadline = Date.now() + timeoutMs
    const pause = new Int32Array(new SharedArrayBuffer(4))
    while (isRunning(target) && Date.now() <= deadline) Atomics.wait(pause, 0, 0, POLL_MS)
    if (isRunning(target)) kill(target)
    while (isRunning(target) && Date.now() <= deadline + KILL_GRACE_MS) Atomics.wait(pause, 0, 0, POLL_MS)
  }
  releaseSharedMemory(target)
}

/** True when testbed itself asked this process to stop, so its exit is no surprise (see `watchServer`). */
export function wasAskedToStop(target: ProcessIdentity): boolean {
  return askedToStop.has(identityKey(target))
}

function askToStop(target: ProcessIdentity, signal: NodeJS.Signals): boolean {
  if (!isVerified(target)) return false
  askedToStop.add(identityKey(target))
  send(target.pid, signal)
  return true
}

// Servers are spawned as process-group leaders, so the group holds the server and its workers. Only a
// group whose leader is still the verified process is testbed's to kill.
function kill(target: ProcessIdentity): void {
  if (leadsItsGroup(target)) send(-target.pid, 'SIGKILL')
  else if (isVerified(target)) send(target.pid, 'SIGKILL')
}

function send(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal)
    return true
  } catch {
    return false
  }
}

function identityKey(target: ProcessIdentity): string {
  return `${target.pid}@${target.startTime}`
}

// The copy of this module that stops a server is not always the one that started it.
const askedToStop = processWide('process-control.asked-to-stop', () => new Set<string>())
