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

/** The plugin's projects with the run defaults above; an adopted suite keeps its own pool settings. */
export function withRunDefaults(config: TestConfig) {
  if (!('projects' in config)) return config
  const projects = config.projects.map((project) =>
    project.test.name === 'integration' ? { test: { ...INTEGRATION_RUN_DEFAULTS, ...project.test } } : project,
  )
  return { ...config, projects }
}
