import { readdirSync, readFileSync, readlinkSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { expect } from 'vitest'
import { isRunning, type ProcessIdentity } from '../../src/core/process-identity.ts'
import type { Run } from '../../src/core/run-registry.ts'

interface ProcessInfo {
  pid: number
  state: string
  session: number
  commandLine: string
  /** The working directory and the files on stdout and stderr: Redis and PostgreSQL run inside their service dir. */
  places: string[]
}

/**
 * Fails unless every process of `run` is gone, zombies aside (this container's PID 1 never reaps
 * them): its servers' sessions (servers are spawned as session leaders, so PostgreSQL's workers are
 * in the postmaster's), and anything working in its run dir, recorded or not. An initdb or cp that a
 * killed CLI had started is never recorded: it fails on its own once its destination is deleted, so
 * this waits up to `timeoutMs` for such helpers to end, and for the processes in `alsoGone` (a
 * runner's own). What is still there is killed, so that a failing test leaves nothing running either.
 */
export async function expectNoProcessLeft(
  run: Run,
  { alsoGone = [], timeoutMs = 10_000 }: { alsoGone?: ProcessIdentity[]; timeoutMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  const leftOf = () => [...processesOf(run), ...alsoGone.filter(isRunning).flatMap((p) => describeProcess(p.pid) ?? [])]
  let left = leftOf()
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(20)
    left = leftOf()
  }
  for (const { pid } of left) kill(pid)
  expect(left.map(describe), `processes of run ${run.record.id}`).toEqual([])
}

/** The pid of the watchdog testbed started for `run` (run-watchdog-main), or null when it is gone. */
export function watchdogOf(run: Run): number | null {
  const watchdog = liveProcesses().find(
    (info) => info.commandLine.includes('run-watchdog-main') && info.commandLine.includes(run.dir),
  )
  return watchdog?.pid ?? null
}

/** The executable name the kernel shows for `pid` (`postgres`, `redis-server`), or null when it is gone. */
export function commandName(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim()
  } catch {
    return null
  }
}

// The command line alone would not do: Redis rewrites its own to `redis-server 127.0.0.1:PORT`.
function processesOf(run: Run): ProcessInfo[] {
  const sessions = new Set(
    run.record.services.flatMap((service) => (service.handle?.type === 'process' ? [service.handle.process.pid] : [])),
  )
  return liveProcesses().filter(
    (info) => sessions.has(info.session) || [info.commandLine, ...info.places].some((text) => text.includes(run.dir)),
  )
}

function liveProcesses(): ProcessInfo[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => describeProcess(Number(name)) ?? [])
    .filter((info) => info.state !== 'Z')
}

// Fields after the command name's closing paren: state, ppid, pgrp, session, …
function describeProcess(pid: number): ProcessInfo | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim()
    const places = ['cwd', 'fd/1', 'fd/2'].flatMap((link) => readLink(`/proc/${pid}/${link}`) ?? [])
    return { pid, state: fields[0] ?? '', session: Number(fields[3]), commandLine, places }
  } catch {
    return null
  }
}

function describe(info: ProcessInfo): string {
  return `${info.pid} (${info.state}) ${info.commandLine}, in ${info.places[0] ?? '?'}`
}

function readLink(path: string): string | null {
  try {
    return readlinkSync(path)
  } catch {
    return null
  }
}

function kill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL')
  } catch {
    // Gone already.
  }
}
