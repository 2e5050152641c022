import { defineConfig, firestore, postgres, redis } from 'testbed'

export default defineConfig({
  services: {
    db: postgres({
      migrations: 'migrations',
      seeds: ['tests/integration/fixtures/seed_data.sql'],
      fixtures: 'tests/integration/fixtures/labelled',
    }),
    cache: redis(),
    // Product reviews and the activity feed; each test gets its own project with the catalog in it.
    firestore: firestore({ seeds: ['tests/integration/fixtures/firestore/catalog.yaml'] }),
  },
  // TESTBED_ISOLATION lets the suite prove itself under every strategy (see tests/README.md).
  isolation: (process.env.TESTBED_ISOLATION as 'transaction' | 'database' | 'reset' | undefined) ?? 'transaction',
  budget: { integration: '5m' },
})
