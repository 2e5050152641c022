import { existsSync } from 'node:fs'
import { delimiter, join } from 'node:path'

/** The first `name` in PATH's folders, or null. */
export function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    if (existsSync(join(dir, name))) return join(dir, name)
  }
  return null
}
