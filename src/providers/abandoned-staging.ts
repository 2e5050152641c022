import { randomBytes } from 'node:crypto'
import { readdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { isRunning } from '../core/process-identity.ts'

// A staging file or folder is written in one go within seconds; one untouched this long lost its writer
// (or its pid now names another process).
const ABANDONED_MS = 10 * 60_000
// `<name>.<pid>.<random>.tmp`; earlier versions wrote `<name>.<pid>.tmp`, which killed runs may have left.
const STAGING = /\.(\d+)(?:\.[0-9a-f]+)?\.tmp$/

/**
 * The private name a process writes `path` under before renaming it into place. The pid tells others
 * whether the writer lives; the random part keeps apart two writers in one process (concurrent tests).
 */
export function stagingName(path: string): string {
  return `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
}

/** Deletes what killed writers left half-written in `dir`, leaving what a live process is still writing. */
export function removeAbandonedStaging(dir: string): void {
  for (const name of safeList(dir)) {
    const pid = STAGING.exec(name)?.[1]
    if (pid === undefined) continue
    const path = join(dir, name)
    if (!isRunning({ pid: Number(pid), startTime: null }) || ageMs(path) > ABANDONED_MS) {
      rmSync(path, { force: true, recursive: true })
    }
  }
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir)
  } catch {
    return []
  }
}

// The inode's change time: `cp -a` gives a copy its source's mtime (npm's files say 1985), not its own.
function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).ctimeMs
  } catch {
    return 0
  }
}
