import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    setupFiles: ['test/test-utils/isolated-state-dir.ts'],
    // Real servers start in these tests; a cold PostgreSQL start runs initdb.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
