import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, readlinkSync } from 'node:fs'
import { basename } from 'node:path'

/**
 * A process as recorded: its pid, its start time and its executable, so that a pid the kernel
 * recycled for another program, or a record naming a process testbed did not start, is never
 * mistaken for ours.
 */
export interface ProcessIdentity {
  pid: number
  /** As the process table reports it (clock ticks since boot, or `ps`'s lstart); null when unreadable. */
  startTime: string | null
  /**
   * The `/proc/<pid>/exe` target, or the command name when that link is unreadable (root without
   * CAP_SYS_PTRACE, as in Docker, cannot read it for a server running as another account, nor can
   * `ps` on macOS report more); null when unknown. Absent from records older than this field.
   */
  executable?: string | null
}

/** What the process table says about a live pid. */
export interface LiveProcess {
  state: string
  startTime: string
  /** The process group it belongs to. */
  group: number
  /** The executable's path, when readable. */
  exe: string | null
  /** The kernel's command name (at most 15 characters on Linux). */
  command: string
}

/** Reads one pid from the process table; null when it is gone or unreadable. */
export type ProcessTable = (pid: number) => LiveProcess | null

// Field 3 of /proc/<pid>/stat is the state, 5 the process group, 22 the start time in clock ticks
// since boot; the command name (field 2) may hold spaces and parentheses, so count after the last ')'.
export const readProcfs: ProcessTable = (pid) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const command = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return {
      state: fields[0] ?? '',
      group: Number(fields[2]),
      startTime: fields[19] ?? '',
      exe: readExe(pid),
      command,
    }
  } catch {
    return null
  }
}

// Where there is no /proc (macOS): one `ps` call. lstart is five words ("Thu Dec  4 23:01:02 2025").
export const readPs: ProcessTable = (pid) => {
  const result = spawnSync('ps', ['-o', 'stat=', '-o', 'pgid=', '-o', 'lstart=', '-o', 'comm=', '-p', String(pid)], {
    encoding: 'utf8',
  })
  const words = result.status === 0 ? result.stdout.trim().split(/\s+/) : []
  if (words.length < 8) return null
  const [state = '', group, ...rest] = words
  return {
    state: state.slice(0, 1),
    group: Number(group),
    startTime: rest.slice(0, 5).join(' '),
    exe: null,
    command: rest.slice(5).join(' '),
  }
}

const processTable: ProcessTable = existsSync('/proc/self/stat') ? readProcfs : readPs

export function identify(pid: number): ProcessIdentity {
  const live = processTable(pid)
  return { pid, startTime: live?.startTime ?? null, executable: live ? (live.exe ?? live.command) : null }
}

/**
 * True while the recorded process runs: its pid answers, it is no zombie, and its start time and
 * executable match wherever they were recorded. For deciding whether a run is still live; before
 * signalling, use `isVerified`.
 */
export function isRunning(target: ProcessIdentity): boolean {
  if (!signalReaches(target.pid)) return false
  const live = processTable(target.pid)
  if (live === null) return target.startTime === null
  // A zombie answers signals until its parent reaps it, which a container's init may never do.
  if (live.state === 'Z') return false
  if (target.startTime !== null && live.startTime !== target.startTime) return false
  return !target.executable || sameExecutable(target.executable, live)
}

/**
 * True only when the live process is provably the one recorded: start time and executable both
 * recorded and both matching. testbed signals nothing else, so a record it cannot verify (no
 * /proc and no `ps`, an older record, a forged one) never costs someone else's process.
 */
export function isVerified(target: ProcessIdentity): boolean {
  if (target.startTime === null || !target.executable) return false
  return isRunning(target)
}

/** True when the verified process still leads the process group it was spawned to lead. */
export function leadsItsGroup(target: ProcessIdentity): boolean {
  return isVerified(target) && processTable(target.pid)?.group === target.pid
}

function sameExecutable(recorded: string, live: LiveProcess): boolean {
  if (recorded === live.exe || recorded === live.command) return true
  // Recorded as a path where the link was readable, read now where it is not: compare the names.
  return live.exe === null && basename(recorded).slice(0, 15) === live.command
}

// A binary replaced on disk (an npm reinstall) while the server runs reads as "<path> (deleted)".
function readExe(pid: number): string | null {
  try {
    return readlinkSync(`/proc/${pid}/exe`).replace(/ \(deleted\)$/, '')
  } catch {
    return null
  }
}

function signalReaches(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
