import { readFileSync } from 'node:fs'

/**
 * A process as recorded: its pid plus its start time, so a pid the kernel
 * recycled for another program is never mistaken for ours.
 */
export interface ProcessIdentity {
  pid: number
  startTime: string | null
}

export function identify(pid: number): ProcessIdentity {
  return { pid, startTime: readStartTime(pid) }
}

export function isRunning(process_: ProcessIdentity): boolean {
  if (!signalReaches(process_.pid)) return false
  const stat = readStat(process_.pid)
  // A zombie answers signals until its parent reaps it, which a container's init may never do.
  if (stat?.state === 'Z') return false
  if (process_.startTime === null) return true
  return stat?.startTime === process_.startTime
}

function signalReaches(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

// Field 22 of /proc/<pid>/stat is the start time in clock ticks since boot; the
// command name (field 2) may hold spaces, so count fields after its closing paren.
function readStat(pid: number): { state: string; startTime: string } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const afterName = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return { state: afterName[0] ?? '', startTime: afterName[19] ?? '' }
  } catch {
    return null
  }
}

function readStartTime(pid: number): string | null {
  return readStat(pid)?.startTime ?? null
}
