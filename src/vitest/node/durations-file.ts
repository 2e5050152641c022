import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FileOutcome } from './report.ts'

/** `.testbed/durations.json`: how long each test file took when it last ran, for sharding by time. */
export interface DurationsFile {
  version: 1
  /** File path relative to the project → milliseconds. */
  files: Record<string, number>
}

export function durationsPath(projectDir: string): string {
  return join(projectDir, '.testbed', 'durations.json')
}

/**
 * Records the files that ran, keeping earlier entries of files this run left out (a unit-only run
 * keeps the integration timings) as long as the file still exists.
 */
export function writeDurations(projectDir: string, files: readonly FileOutcome[]): string {
  const path = durationsPath(projectDir)
  const merged: Record<string, number> = {}
  for (const [file, ms] of Object.entries(readDurations(path).files)) {
    if (existsSync(join(projectDir, file))) merged[file] = ms
  }
  for (const file of files) if (file.ran) merged[file.file] = Math.round(file.durationMs * 10) / 10
  const sorted = Object.fromEntries(Object.entries(merged).sort(([a], [b]) => a.localeCompare(b)))
  mkdirSync(join(projectDir, '.testbed'), { recursive: true })
  // Write then rename, so a concurrent reader (a CI sharder) never sees half a file.
  const temporary = `${path}.${process.pid}.tmp`
  writeFileSync(temporary, `${JSON.stringify({ version: 1, files: sorted } satisfies DurationsFile, null, 2)}\n`)
  renameSync(temporary, path)
  return path
}

/** The file at `path`, or an empty record when it is missing or unreadable. */
export function readDurations(path: string): DurationsFile {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as DurationsFile
    return parsed?.version === 1 && typeof parsed.files === 'object' && parsed.files !== null ? parsed : empty()
  } catch {
    return empty()
  }
}

function empty(): DurationsFile {
  return { version: 1, files: {} }
}
