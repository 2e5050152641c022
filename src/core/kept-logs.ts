import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { privateStateDir } from './state-dir.ts'

/** How much `<state>/logs` keeps: the newest files, within both limits. */
export interface KeptLogLimits {
  files: number
  bytes: number
}

export const KEPT_LOG_LIMITS: KeptLogLimits = { files: 20, bytes: 10 * 1024 * 1024 }

export function keptLogsDir(): string {
  return join(privateStateDir(), 'logs')
}

/**
 * Copies a server's log to `<state>/logs/<name>`, where an error message can point to it after the
 * run dir is deleted, then drops the oldest kept logs beyond `limits`. Returns the kept copy's path,
 * or `source` when it could not be copied.
 */
export function keepLog(source: string, name: string, limits: KeptLogLimits = KEPT_LOG_LIMITS): string {
  try {
    const dir = keptLogsDir()
    const kept = join(dir, name)
    mkdirSync(dir, { recursive: true })
    copyFileSync(source, kept)
    pruneKeptLogs(dir, kept, limits)
    return kept
  } catch {
    return source
  }
}

// The log just kept stays whatever its size: the message about to be printed names it.
function pruneKeptLogs(dir: string, newest: string, limits: KeptLogLimits): void {
  let files = 0
  let bytes = 0
  for (const log of newestFirst(dir)) {
    files++
    bytes += log.size
    if (log.path !== newest && (files > limits.files || bytes > limits.bytes)) rmSync(log.path, { force: true })
  }
}

function newestFirst(dir: string): Array<{ path: string; size: number; mtimeMs: number }> {
  const logs = readdirSync(dir).flatMap((name) => {
    try {
      const { size, mtimeMs } = statSync(join(dir, name))
      return [{ path: join(dir, name), size, mtimeMs }]
    } catch {
      return []
    }
  })
  return logs.sort((a, b) => b.mtimeMs - a.mtimeMs)
}
