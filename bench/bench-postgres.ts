import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { stateDir } from '../src/core/paths.ts'
import { postgres } from '../src/services/postgres/postgres-service.ts'
import { startServices } from '../src/services/service-set.ts'

/** A bench's own embedded PostgreSQL, with its data dir where testbed keeps state (tmpfs when it can). */
export interface BenchPostgres {
  adminUrl: string
  /** A folder of the bench's own, deleted by `stop()`. */
  root: string
  stop(): Promise<void>
}

export async function benchPostgres(name: string, settings: Record<string, string> = {}): Promise<BenchPostgres> {
  const root = mkdtempSync(join(dirname(stateDir()), `testbed-bench-${name}-`))
  // PostgreSQL runs as another account when we are root; it must reach the data dirs below.
  chmodSync(root, 0o711)
  process.env.TESTBED_STATE_DIR = join(root, 'state')
  process.env.TESTBED_QUIET = '1'
  const services = await startServices({ db: postgres({ provider: 'embedded', settings }) }, { projectDir: root })
  return {
    adminUrl: services.services[0]?.url ?? '',
    root,
    async stop() {
      await services.stop()
      rmSync(root, { recursive: true, force: true })
    },
  }
}
