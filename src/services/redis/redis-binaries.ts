import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { promisify } from 'node:util'
import { type EnvVariable, readEnv } from '../../core/env.ts'

const run = promisify(execFile)

export const REDIS_SERVER: EnvVariable = {
  name: 'TESTBED_REDIS_SERVER',
  meaning:
    'The `redis-server` (or `valkey-server`) binary for the `local` provider of `redis()`, instead of searching PATH and the usual folders',
}
const SERVER_NAMES = ['redis-server', 'valkey-server']
const USUAL_DIRS = ['/usr/bin', '/usr/sbin', '/usr/local/bin', '/opt/homebrew/bin']

/** A `redis-server` or `valkey-server` binary and what it says of itself. */
export interface RedisBinary {
  path: string
  /** `Redis` or `Valkey`. */
  flavor: string
  version: string
}

/** TESTBED_REDIS_SERVER if set, else the first `redis-server` or `valkey-server` on PATH or in the usual folders. */
export async function findRedisServer(): Promise<RedisBinary | null> {
  const explicit = readEnv(REDIS_SERVER)
  if (explicit) return inspect(explicit)
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...USUAL_DIRS]
  for (const dir of dirs) {
    for (const name of SERVER_NAMES) {
      const found = await inspect(join(dir, name))
      if (found) return found
    }
  }
  return null
}

async function inspect(path: string): Promise<RedisBinary | null> {
  if (!existsSync(path)) return null
  try {
    const { stdout } = await run(path, ['--version'])
    const version = /v=(\S+)/.exec(stdout)?.[1]
    if (!version) return null
    return { path, flavor: stdout.startsWith('Valkey') ? 'Valkey' : 'Redis', version }
  } catch {
    return null
  }
}
