import { spawn } from 'node:child_process'
import { closeSync, openSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { TestbedError } from '../core/errors.ts'
import { stopProcess } from '../core/process-control.ts'
import { identify, type ProcessIdentity } from '../core/process-identity.ts'
import { formatMs } from '../core/progress.ts'
import { redactUrl } from '../core/redact.ts'
import type { Run, ServiceRecord } from '../core/run-registry.ts'
import type { ProcessHandle } from '../core/service-handle.ts'
import { assertPortFree, ephemeralPort } from './free-port.ts'
import type { StartContext, StartedService } from './provider.ts'
import { type RunAsUser, spawnIdentity, unprivilegedUser } from './run-as-user.ts'
import { describeExit, logTail, preserveLog, readLog, type ServerExit } from './server-log.ts'
import { watchServer } from './server-watch.ts'
import { makeServiceDir } from './service-dir.ts'

const POLL_MS = 15
// A free port can be taken by another process between asking the kernel for it and binding it.
const PORT_ATTEMPTS = 3

/** Where a server this process starts lives: its folder in the run dir, and the account it runs as. */
export interface LocalStart {
  runAs: RunAsUser | null
  serviceDir: string
  label: string
  /** When the start began, for the "ready in" line. */
  startedAt: number
}

/**
 * The first steps of every local server start: the account it runs as (unprivileged when testbed is
 * root), its folder, and a progress line. A `port` the user chose is checked here, before any slow work.
 */
export async function beginLocalStart(context: StartContext, label: string, port?: number): Promise<LocalStart> {
  const startedAt = Date.now()
  const runAs = unprivilegedUser()
  const serviceDir = makeServiceDir(context.run, context.serviceName, runAs)
  context.progress.step(`${context.serviceName}: starting ${label}`)
  if (port !== undefined) await assertPortFree(port, context.serviceName, label)
  return { runAs, serviceDir, label, startedAt }
}

/**
 * Starts a server with `startOn(port)`: on the `port` the user chose, or on a free one, trying
 * another when a racing process took it first. Reports the ready line (`note`: how it started).
 */
export async function startOnFreePort(
  context: StartContext,
  local: LocalStart,
  port: number | undefined,
  startOn: (port: number) => Promise<StartedService>,
  note?: string,
): Promise<StartedService> {
  for (let attempt = 1; ; attempt++) {
    try {
      const service = await startOn(port ?? (await ephemeralPort()))
      const how = note === undefined ? '' : ` (${note})`
      const elapsed = formatMs(Date.now() - local.startedAt)
      context.progress.done(
        `${context.serviceName}: ${local.label} ready in ${elapsed}${how} at ${redactUrl(service.url)}`,
      )
      return service
    } catch (error) {
      if (!(error instanceof PortTakenError) || port !== undefined || attempt === PORT_ATTEMPTS) throw error
    }
  }
}

/** How to start one server binary and tell when it answers. */
export interface ServerSpec {
  /** For messages: `PostgreSQL 18.4 (embedded)`. */
  label: string
  /** For messages and the record: the service's name in the config. */
  serviceName: string
  command: string
  args: readonly string[]
  runAs: RunAsUser | null
  logFile: string
  stopSignal: NodeJS.Signals
  startTimeoutMs: number
  /** A real query; resolves true once the server answers it. */
  isReady(): Promise<boolean>
  /** What the run records about this service before it is ready, so a killed start is still reaped. */
  record: Omit<ServiceRecord, 'handle'>
}

/** Thrown when the server could not bind its port, so the caller can retry on another. */
export class PortTakenError extends Error {}

/** Spawns the server in its own process group, records it in the run, and waits until a real query answers. */
export async function startServer(
  spec: ServerSpec,
  run: Run,
  portTaken: (log: string) => boolean,
): Promise<ProcessHandle> {
  const started = Date.now()
  const logFd = openSync(spec.logFile, 'a')
  const child = spawn(spec.command, spec.args, {
    detached: true,
    stdio: ['ignore', logFd, logFd],
    ...spawnIdentity(spec.runAs),
  })
  closeSync(logFd)
  child.unref()
  // Record before yielding to the event loop: a SIGKILL after this line still leaves a record to reap.
  const identity = child.pid === undefined ? null : identify(child.pid)
  if (identity) run.addService({ ...spec.record, handle: processHandle(identity, spec) })
  const state: { exit: ServerExit | null; spawnError: Error | null } = { exit: null, spawnError: null }
  child.once('exit', (code, signal) => (state.exit = { code, signal }))
  child.once('error', (error) => (state.spawnError = error))
  await new Promise((resolve) => setImmediate(resolve))
  if (state.spawnError || identity === null) throw spawnFailed(spec, state.spawnError)

  while (!(await spec.isReady())) {
    if (state.exit) {
      const log = readLog(spec.logFile)
      if (portTaken(log)) throw new PortTakenError(log)
      throw exitedDuringStart(spec, state.exit, Date.now() - started, log)
    }
    if (Date.now() - started > spec.startTimeoutMs) {
      await stopProcess(identity, spec.stopSignal)
      throw notReady(spec, Date.now() - started)
    }
    await sleep(POLL_MS)
  }
  watchServer(child, identity, spec, run)
  return processHandle(identity, spec)
}

function processHandle(process: ProcessIdentity, spec: ServerSpec): ProcessHandle {
  return { type: 'process', process, stopSignal: spec.stopSignal }
}

function spawnFailed(spec: ServerSpec, cause: Error | null): TestbedError {
  return new TestbedError(
    'TESTBED_SERVICE_SPAWN_FAILED',
    {
      what: `Could not run ${spec.label} for service "${spec.serviceName}"`,
      subject: spec.command,
      why: `The operating system refused to start it (${cause?.message ?? 'no process id'})`,
      fix: 'Check the binary exists and is executable by the account servers run as; `npx testbed doctor` shows which binaries testbed found',
      details: spec.runAs ? [`runs as: ${spec.runAs.name} (uid ${spec.runAs.uid})`] : [],
    },
    { cause },
  )
}

function exitedDuringStart(spec: ServerSpec, exit: ServerExit, elapsedMs: number, log: string): TestbedError {
  return new TestbedError('TESTBED_SERVICE_EXITED', {
    what: `${spec.label} exited during start for service "${spec.serviceName}"`,
    subject: preserveLog(spec.logFile, spec.serviceName),
    why: `The server ${describeExit(exit)} before it answered a query; its log below says why`,
    fix: 'Fix the cause the log names (a bad setting, a full disk, missing permissions), then run again; `npx testbed doctor` checks the installation',
    details: [`elapsed: ${formatMs(elapsedMs)}`, `command: ${spec.command} ${spec.args.join(' ')}`, ...logTail(log)],
  })
}

function notReady(spec: ServerSpec, elapsedMs: number): TestbedError {
  return new TestbedError('TESTBED_SERVICE_START_TIMEOUT', {
    what: `${spec.label} did not answer a query in time for service "${spec.serviceName}"`,
    subject: preserveLog(spec.logFile, spec.serviceName),
    why: `The server was still not ready after ${formatMs(elapsedMs)}; the machine may be overloaded or the server stuck`,
    fix: 'Raise `startTimeout` in the service options if the machine is slow, or read the log below',
    details: [`elapsed: ${formatMs(elapsedMs)}`, ...logTail(readLog(spec.logFile))],
  })
}
