import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'

function currentUid(): number | string {
  return process.getuid?.() ?? process.env.USERNAME ?? 'user'
}

/** Where runs keep their data dirs, logs and records: temporary, like the processes they describe. */
export function stateDir(): string {
  return process.env.TESTBED_STATE_DIR ?? join(tmpdir(), `testbed-${currentUid()}`)
}

/** Where results worth keeping across runs live (initdb output). */
export function cacheDir(): string {
  if (process.env.TESTBED_CACHE_DIR) return process.env.TESTBED_CACHE_DIR
  const base = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache')
  return join(base, 'testbed')
}
