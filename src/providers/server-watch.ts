import type { ChildProcess } from 'node:child_process'
import { TestbedError } from '../core/errors.ts'
import { wasAskedToStop } from '../core/process-control.ts'
import type { ProcessIdentity } from '../core/process-identity.ts'
import { processWide } from '../core/process-wide.ts'
import type { Run } from '../core/run-registry.ts'
import { describeExit, logTail, preserveLog, readLog, type ServerExit } from './server-log.ts'

/** A server that ended while its run was using it, without testbed asking it to stop. */
export interface ServerDeath {
  serviceName: string
  exit: ServerExit
  /** Where its log is kept (`<state>/logs/…`). */
  keptLog: string
  /** The message that says so, with the last lines of the log. */
  error: TestbedError
}

/** What `watchServer` needs to know about the server, for the message. */
export interface WatchedServer {
  label: string
  serviceName: string
  logFile: string
}

type DeathListener = (death: ServerDeath) => void

// Keyed by run dir. The copy of testbed that starts a server (the config's) is not always the one that
// listens (the test runner's).
const listeners = processWide('server-watch.listeners', () => new Map<string, Set<DeathListener>>())

/**
 * Calls `listener` when a server this process started for `run` ends without testbed asking it to.
 * Returns a function that stops listening.
 */
export function onServerDeath(run: Run, listener: DeathListener): () => void {
  const forRun = listeners.get(run.dir) ?? new Set()
  listeners.set(run.dir, forRun)
  forRun.add(listener)
  return () => {
    forRun.delete(listener)
    if (forRun.size === 0) listeners.delete(run.dir)
  }
}

/** Watches a ready server this process spawned: an exit testbed did not ask for is reported to the run's listeners. */
export function watchServer(child: ChildProcess, identity: ProcessIdentity, server: WatchedServer, run: Run): void {
  child.once('exit', (code, signal) => {
    if (!wasAskedToStop(identity)) reportDeath(run, server, { code, signal })
  })
}

/** True when someone listens for the deaths of `run`'s servers: a watcher that polls need not until then. */
export function isListened(run: Run): boolean {
  return (listeners.get(run.dir)?.size ?? 0) > 0
}

/** Tells the run's listeners that `server` ended without testbed asking it to. */
export function reportDeath(run: Run, server: WatchedServer, exit: ServerExit): void {
  const forRun = listeners.get(run.dir)
  if (!forRun?.size) return
  const death = describeDeath(server, exit)
  for (const listener of forRun) listener(death)
}

function describeDeath(server: WatchedServer, exit: ServerExit): ServerDeath {
  const keptLog = preserveLog(server.logFile, server.serviceName)
  const error = new TestbedError('TESTBED_SERVICE_DIED', {
    what: `${server.label} stopped in the middle of the run for service "${server.serviceName}"`,
    subject: keptLog,
    why: `The server ${describeExit(exit)} although testbed did not ask it to stop; whatever uses it fails from here on, and the run fails with it`,
    fix: 'Its log is kept at that path and ends with the lines below; look there, and in `dmesg` for the kernel’s out-of-memory killer, for what ended it, then run again',
    details: logTail(readLog(keptLog)),
  })
  return { serviceName: server.serviceName, exit, keptLog, error }
}
