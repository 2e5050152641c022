// The plain-Vitest side of bench/e2e-run.ts: Vitest's defaults, services started by hand in a global setup.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['tests/integration/**/*.test.ts'],
    globalSetup: ['./global-setup.ts'],
  },
})
