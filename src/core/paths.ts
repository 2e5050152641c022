import { accessSync, constants, statfsSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { ENV, readEnv } from './env.ts'

// A server's data dir is ~1,000 files; on a disk filesystem creating them costs 100–500 ms, in
// memory ~35 ms (docs/performance.md). Docker gives /dev/shm 64 MB, so require room for real use.
const SHARED_MEMORY = '/dev/shm'
const TMPFS_MAGIC = 0x01021994
const MIN_FREE_BYTES = 512 * 1024 * 1024

export function currentUid(): number | string {
  return process.getuid?.() ?? process.env.USERNAME ?? 'user'
}

/**
 * Where runs keep their data dirs, logs and records: temporary, like the processes they describe.
 * Only the path: use `privateStateDir()` (state-dir.ts) before reading or writing anything in it.
 */
export function stateDir(): string {
  const configured = readEnv(ENV.stateDir)
  if (configured) return resolve(configured)
  const base = hasRoomyTmpfs(SHARED_MEMORY) ? SHARED_MEMORY : tmpdir()
  return join(base, `testbed-${currentUid()}`)
}

/** Where results worth keeping across runs live (initdb output). */
export function cacheDir(): string {
  const configured = readEnv(ENV.cacheDir)
  if (configured) return configured
  const base = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache')
  return join(base, 'testbed')
}

function hasRoomyTmpfs(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK)
    const stats = statfsSync(dir)
    return stats.type === TMPFS_MAGIC && stats.bavail * stats.bsize >= MIN_FREE_BYTES
  } catch {
    return false
  }
}
