// A project in the default layout (tests/unit, tests/integration; no integrationTests) whose app
// makes its pool at import time from DATABASE_URL and commits its own transactions: every
// integration test runs in its own state under each strategy, and unit tests get no endpoint.
import { describe, expect, test } from 'vitest'
import { expectPassed, RESULTS, vitestProject } from '../test-utils/vitest-project.ts'

function config(isolation: string): string {
  return `import { defineConfig, postgres } from 'testbed'

export default defineConfig({
  isolation: '${isolation}',
  services: { db: postgres({ migrations: 'migrations' }) },
})
`
}

// What the shell had: a unit test must still see these, an integration test the endpoint's.
const OUTSIDE = {
  DATABASE_URL: 'postgresql://outside@127.0.0.1:1/outside',
  OUTSIDE_DATABASE_URL: 'postgresql://outside@127.0.0.1:1/outside',
  PGHOST: '/nonexistent/outside',
  OUTSIDE_PGHOST: '/nonexistent/outside',
}

describe.concurrent('the default integration project serves DATABASE_URL from the worker’s endpoint', () => {
  for (const isolation of ['transaction', 'database', 'reset']) {
    test(`under ${isolation}, a module-level pool's commits stay in their test`, async () => {
      const project = vitestProject(
        `default-layout-${isolation}`,
        { 'testbed.config.ts': config(isolation) },
        'default-layout-project',
      )
      const result = await project.testbed(['test', '--integration', ...RESULTS], OUTSIDE)
      expectPassed(result)
      expect(Object.values(project.results())).toEqual(Array(8).fill('passed'))
    }, 180_000)
  }
})
