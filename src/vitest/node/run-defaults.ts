import { availableParallelism } from 'node:os'
import type { testConfig } from './test-config.ts'

type TestConfig = ReturnType<typeof testConfig>

/**
 * How the `integration` project runs its files, chosen by measurement (bench/e2e-run.ts,
 * decisions/0042): files share their worker process instead of getting a fresh one each, which
 * Vitest charges ~120 ms and more per file. A test's services are isolated by testbed whatever the
 * file; module state is not, and `testbed test --isolate` gives each file its own again.
 * @default { isolate: false } (the pool stays Vitest's `forks`: native modules are safe there)
 */
export const INTEGRATION_RUN_DEFAULTS = { isolate: false }

// Vitest runs cores − 1 workers: one on 2 cores, where integration files wait on their servers more
// than they compute, so a second worker measured 0.46× against 0.60× of plain Vitest's wall time.
const MIN_WORKERS = 2

/**
 * The plugin's projects with the run defaults above, and at least two workers where Vitest would
 * run one (2 cores or fewer) unless the config sets `maxWorkers`; `--maxWorkers` on the command line
 * wins over both. An adopted suite keeps its own pool settings.
 */
export function withRunDefaults(config: TestConfig, configuredMaxWorkers: unknown, cores = availableParallelism()) {
  if (!('projects' in config)) return config
  // Vitest groups files by their project's own maxWorkers, which a project resolves for itself.
  const workers = configuredMaxWorkers === undefined && cores - 1 < MIN_WORKERS ? { maxWorkers: MIN_WORKERS } : {}
  const projects = config.projects.map((project) => {
    const own = project.test.name === 'integration' ? INTEGRATION_RUN_DEFAULTS : {}
    return { test: { ...workers, ...own, ...project.test } }
  })
  return { ...config, ...workers, projects }
}
