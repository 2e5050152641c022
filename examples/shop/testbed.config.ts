import { defineConfig, postgres, redis } from 'testbed'

export default defineConfig({
  services: {
    db: postgres({
      migrations: 'migrations',
      seeds: ['tests/integration/fixtures/seed_data.sql'],
      fixtures: 'tests/integration/fixtures/labelled',
    }),
    cache: redis(),
  },
  // TESTBED_ISOLATION lets the suite prove itself under every strategy (see tests/README.md).
  isolation: (process.env.TESTBED_ISOLATION as 'transaction' | 'database' | 'reset' | undefined) ?? 'transaction',
  budget: { integration: '5m' },
})
