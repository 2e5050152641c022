import { spawn } from 'node:child_process'
import type { Socket } from 'node:net'
import { dirname } from 'node:path'
import { ENV } from './env.ts'
import type { Run } from './run-registry.ts'
import { siblingFile } from './sibling-file.ts'

/** A process that stops a run's servers when the process that owns the run dies, however it dies. */
export interface RunWatchdog {
  /** The owner stopped (or detached) the run itself: the watchdog exits without touching it. Resolves once it has. */
  standDown(): Promise<void>
}

// A shell waits on the pipe: a line means "stand down"; end of file means the owner is gone, and only
// then does Node start (run-watchdog-main.ts) to reap the run. A waiting Node would cost every start
// ~40 ms of CPU, which a 2-core machine takes from the servers starting beside it (docs/performance.md).
const WAIT_THEN_REAP = 'read -r _ || exec "$0" "$1" "$2"'

/**
 * Starts the watchdog of `run` in its own session, its stdin a pipe from this process. Nothing but
 * this process holds the pipe's write end (Node opens it close-on-exec), so when this process dies,
 * even by SIGKILL, the kernel closes it, and the watchdog stops the servers the run recorded and
 * deletes the run dir (decisions/0012). The spawn is not awaited: the servers start meanwhile.
 */
export function startWatchdog(run: Run): RunWatchdog {
  const child = spawn('/bin/sh', ['-c', WAIT_THEN_REAP, process.execPath, watchdogMain(), run.dir], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
    // Not the project dir: the watchdog must pin no folder, and a relative TESTBED_STATE_DIR is resolved already.
    cwd: '/',
    env: { ...process.env, [ENV.stateDir.name]: dirname(dirname(run.dir)) },
  })
  // Without a watchdog, the next run's reaper is still there: a failed spawn is no reason to fail this run.
  child.on('error', () => {})
  child.stdin.on('error', () => {})
  child.unref()
  ;(child.stdin as Socket).unref()
  const exited = new Promise<void>((resolve) => {
    if (child.pid === undefined) resolve()
    child.once('exit', () => resolve())
    child.once('error', () => resolve())
  })
  return {
    standDown() {
      // Held until it has exited, so that awaiting this keeps a process that has nothing else to do alive.
      child.ref()
      if (!child.stdin.writableEnded) child.stdin.end('stand down\n')
      return exited
    },
  }
}

function watchdogMain(): string {
  return siblingFile(import.meta.url, './run-watchdog-main')
}
