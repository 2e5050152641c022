import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { isRunning, type ProcessIdentity } from './process-identity.ts'

// Linux reports process start times in clock ticks since boot; USER_HZ is 100 on every Linux port.
const TICKS_PER_SECOND = 100

interface Segment {
  id: string
  creator: number
  createdAt: number
}

/**
 * Removes the System V shared memory segments a server that is gone had created. One that stops
 * cleanly removes its own; one killed with SIGKILL (PostgreSQL keeps a small one as an interlock)
 * leaves them, counting against the kernel's limit of 4096, until reboot. Only segments created by
 * that very process (its pid, no earlier than it started, and no live process has that pid now) are
 * touched; one its children still hold goes when the last of them exits.
 */
export function releaseSharedMemory(server: ProcessIdentity): void {
  const startedAt = startSeconds(server)
  // Without a start time, a segment cannot be told from one a later process with the same pid made.
  if (startedAt === null || isRunning({ pid: server.pid, startTime: null })) return
  for (const segment of listSegments()) {
    if (segment.creator !== server.pid || segment.createdAt < startedAt) continue
    spawnSync('ipcrm', ['-m', segment.id], { stdio: 'ignore' })
  }
}

// /proc/sysvipc/shm: key shmid perms size cpid lpid nattch uid gid cuid cgid atime dtime ctime …
function listSegments(): Segment[] {
  return safeRead('/proc/sysvipc/shm')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields.length >= 14)
    .map((fields) => ({
      id: fields[1] ?? '',
      creator: Number(fields[4]),
      createdAt: Number(fields[13]),
    }))
}

// Whole seconds since the epoch, rounded down, so a segment made in the process's first second still counts.
function startSeconds(server: ProcessIdentity): number | null {
  const bootTime = /^btime (\d+)$/m.exec(safeRead('/proc/stat'))?.[1]
  if (server.startTime === null || !/^\d+$/.test(server.startTime) || bootTime === undefined) return null
  return Math.floor(Number(bootTime) + Number(server.startTime) / TICKS_PER_SECOND) - 1
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return ''
  }
}
