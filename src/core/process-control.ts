import { setTimeout as sleep } from 'node:timers/promises'
import { isRunning, type ProcessIdentity } from './process-identity.ts'
import { releaseSharedMemory } from './shared-memory.ts'

const POLL_MS = 10
// How long a SIGKILLed process may take to be gone, before its shared memory is released.
const KILL_GRACE_MS = 1000

/** Asks a process to stop with its own shutdown signal; kills its process group if it has not exited in time. */
export async function stopProcess(target: ProcessIdentity, signal: NodeJS.Signals, timeoutMs = 5000): Promise<void> {
  if (isRunning(target)) {
    send(target.pid, signal)
    const deadline = Date.now() + timeoutMs
    while (isRunning(target) && Date.now() <= deadline) await sleep(POLL_MS)
    if (isRunning(target)) killGroup(target)
    while (isRunning(target) && Date.now() <= deadline + KILL_GRACE_MS) await sleep(POLL_MS)
  }
  // A server killed before (or by) us could not remove its shared memory itself.
  releaseSharedMemory(target)
}

/** The same as `stopProcess`, blocking: for exit handlers, where no promise will ever settle. */
export function stopProcessSync(target: ProcessIdentity, signal: NodeJS.Signals, timeoutMs = 2000): void {
  if (isRunning(target)) {
    send(target.pid, signal)
    const deadline = Date.now() + timeoutMs
    const pause = new Int32Array(new SharedArrayBuffer(4))
    while (isRunning(target) && Date.now() <= deadline) Atomics.wait(pause, 0, 0, POLL_MS)
    if (isRunning(target)) killGroup(target)
    while (isRunning(target) && Date.now() <= deadline + KILL_GRACE_MS) Atomics.wait(pause, 0, 0, POLL_MS)
  }
  releaseSharedMemory(target)
}

// Servers are spawned as process-group leaders, so the group holds the server and its workers.
function killGroup(target: ProcessIdentity): void {
  if (!send(-target.pid, 'SIGKILL')) send(target.pid, 'SIGKILL')
}

function send(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal)
    return true
  } catch {
    return false
  }
}
