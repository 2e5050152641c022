// A Vitest suite with projects of its own (`api`: unit tests and a few tagged `db`; `db`: every file
// an integration test, with its own setup file; `cli`: an alias of its own, so Vitest gives it a Vite
// server of its own) keeps them when it adopts testbed with the plugin and testbed.config.ts alone:
// the integration tests of every project get services, isolation and the skip rule, and the
// services start once for the run.
import { describe, expect, test } from 'vitest'
import { expectPassed, vitestProject } from '../test-utils/vitest-project.ts'

function config(isolation: string): string {
  return `import { defineConfig, postgres } from 'testbed'

export default defineConfig({
  isolation: '${isolation}',
  integrationTests: { files: 'test/db', tags: ['db'] },
  services: { db: postgres({ migrations: 'migrations' }) },
})
`
}

// Progress lines on (this suite's setup turns them off), to count the servers started.
const SAY_STARTS = { TESTBED_QUIET: '' }
const starts = (output: string) => output.split('\n').filter((line) => line.includes('starting PostgreSQL')).length

describe.concurrent('a Vitest suite with its own projects, adopted by its config alone', () => {
  for (const isolation of ['transaction', 'database', 'reset']) {
    test(`runs the integration tests of every project isolated under ${isolation}, starting PostgreSQL once`, async () => {
      const project = vitestProject(
        `projects-${isolation}`,
        { 'testbed.config.ts': config(isolation) },
        'vitest-projects-project',
      )
      const result = await project.testbed(['test', '--integration'], SAY_STARTS)
      expectPassed(result)
      expect(result.stdout).toMatch(/Tests\s+8 passed \(8\)/)
      for (const name of ['api', 'db', 'cli']) expect(result.stdout).toContain(`|${name}|`)
      expect(starts(result.stdout + result.stderr)).toBe(1)
    }, 180_000)
  }

  test('without --integration, every project’s integration tests are skipped and no service starts', async () => {
    const project = vitestProject('projects-unit', {}, 'vitest-projects-project')
    const result = await project.testbed(['test'], SAY_STARTS)
    expectPassed(result)
    expect(result.stdout).toMatch(/Tests\s+2 passed \| 6 skipped \(8\)/)
    expect(starts(result.stdout + result.stderr)).toBe(0)
  }, 180_000)
})
