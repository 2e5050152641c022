import { availableParallelism } from 'node:os'
import { configDefaults, defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Projects the e2e tests copy into a temp dir and run there.
    exclude: [...configDefaults.exclude, 'test/fixtures/*-project/**'],
    setupFiles: ['test/test-utils/isolated-state-dir.ts'],
    // Real servers start in these tests; a cold PostgreSQL start runs initdb.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Vitest runs one file at a time on 2 cores (cores - 1), but most of a file here waits on the
    // processes it starts: two at once took the suite from 13 min to 9 min on this machine.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
})
