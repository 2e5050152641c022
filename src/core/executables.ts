import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'

/** True when `path` is a file this process may execute. */
export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** The first executable `command` in PATH's folders, as a shell would find it; null when there is none. */
export function findOnPath(command: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    if (isExecutable(join(dir, command))) return join(dir, command)
  }
  return null
}
