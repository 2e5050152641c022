import { readFileSync } from 'node:fs'
import { findOnPath } from '../core/executables.ts'

/** What `testbed install` needs to know of the machine to pick a way to install packages. */
export interface Machine {
  platform: NodeJS.Platform
  arch: string
  /** From /etc/os-release on Linux: `debian`, plus the families it belongs to (`ID_LIKE`). */
  distro: { ids: string[]; name: string } | null
  root: boolean
  /** Whether a command of this name is on PATH. */
  has(command: string): boolean
}

/** The machine this process runs on. */
export function detectMachine(): Machine {
  return {
    platform: process.platform,
    arch: process.arch,
    distro: process.platform === 'linux' ? readOsRelease('/etc/os-release') : null,
    root: process.getuid?.() === 0,
    has: (command) => findOnPath(command) !== null,
  }
}

/** `ID` and `ID_LIKE` of an os-release file, and its `PRETTY_NAME`. */
export function parseOsRelease(text: string): { ids: string[]; name: string } {
  const fields = new Map<string, string>()
  for (const line of text.split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line.trim())
    if (match) fields.set(match[1] as string, (match[2] as string).replace(/^["']|["']$/g, ''))
  }
  const ids = [fields.get('ID') ?? '', ...(fields.get('ID_LIKE') ?? '').split(/\s+/)].filter(Boolean)
  return { ids, name: fields.get('PRETTY_NAME') ?? fields.get('NAME') ?? (ids[0] || 'Linux') }
}

function readOsRelease(path: string): { ids: string[]; name: string } | null {
  try {
    return parseOsRelease(readFileSync(path, 'utf8'))
  } catch {
    return null
  }
}
