import { closeSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { threadId } from 'node:worker_threads'
import { identify, isRunning, type ProcessIdentity } from '../../core/process-identity.ts'
import { privateStateDir } from '../../core/state-dir.ts'

interface Holder extends ProcessIdentity {
  threadId: number
}

// A reclaimer dies holding the mutex only if it crashes within microseconds of taking it.
const STALE_MUTEX_MS = 10_000

/**
 * The lowest slot number no live worker (process × thread) on this machine holds, leased through a
 * lock file per slot in the state dir and released when the worker exits. Sequences start at
 * `slot × 1,000,000`, so parallel workers never hand out the same number and a lone worker counts
 * from 1. A claim is always an exclusive create; a dead holder's file is removed only under a
 * mutex and after reading it again, so two workers reclaiming at once cannot both win a slot.
 */
export function leaseWorkerSlot(): number {
  const dir = join(privateStateDir(), 'sequence-slots')
  mkdirSync(dir, { recursive: true })
  const me = JSON.stringify({ ...identify(process.pid), threadId } satisfies Holder)
  for (let slot = 0; ; slot++) {
    const file = join(dir, `${slot}.lock`)
    if (tryCreate(file, me) || (reclaimIfStale(dir, file) && tryCreate(file, me))) {
      process.once('exit', () => unlinkQuietly(file))
      return slot
    }
  }
}

function tryCreate(file: string, content: string): boolean {
  try {
    const fd = openSync(file, 'wx')
    writeSync(fd, content)
    closeSync(fd)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  }
}

function reclaimIfStale(dir: string, file: string): boolean {
  if (!isStale(file)) return false
  const mutex = join(dir, 'reclaim.lock')
  if (!tryCreate(mutex, String(process.pid)) && !(removeAbandonedMutex(mutex) && tryCreate(mutex, ''))) return false
  try {
    if (!isStale(file)) return false
    unlinkQuietly(file)
    return true
  } finally {
    unlinkQuietly(mutex)
  }
}

function isStale(file: string): boolean {
  try {
    const holder = JSON.parse(readFileSync(file, 'utf8')) as Holder
    // A live process's other thread cannot be checked from here: its slot stays held until the process exits.
    return !isRunning(holder)
  } catch {
    // Unreadable: a claim half written this instant, or a file torn by a crash. Leave it; take the next slot.
    return false
  }
}

function removeAbandonedMutex(mutex: string): boolean {
  try {
    if (Date.now() - statSync(mutex).mtimeMs < STALE_MUTEX_MS) return false
    unlinkSync(mutex)
    return true
  } catch {
    return false
  }
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file)
  } catch {}
}
