// A Vitest suite that never heard of testbed (its own layout `test/**/*Test.ts`, globals, a
// module-level pool from DATABASE_URL, a pool per describe, a CLI subprocess, pools never ended)
// runs isolated under each strategy with only vitest.config.ts and testbed.config.ts changed.
import { describe, expect, test } from 'vitest'
import { expectPassed, vitestProject } from '../test-utils/vitest-project.ts'

function config(isolation: string): string {
  return `import { defineConfig, postgres } from 'testbed'

export default defineConfig({
  isolation: '${isolation}',
  integrationTests: 'test/users',
  services: { db: postgres({ migrations: 'migrations' }) },
})
`
}

describe.concurrent('a Vitest suite adopted by its config alone', () => {
  for (const isolation of ['transaction', 'database', 'reset']) {
    test(`passes isolated under ${isolation}, keeping its own include and globals`, async () => {
      const project = vitestProject(
        `adopted-${isolation}`,
        { 'testbed.config.ts': config(isolation) },
        'vitest-adopted-project',
      )
      const result = await project.testbed(['test', '--integration'])
      expectPassed(result)
      expect(result.stdout).toMatch(/Tests\s+5 passed \(5\)/)
    }, 180_000)
  }

  test('without --integration, the integration files are skipped and the unit test runs, with no service started', async () => {
    const project = vitestProject('adopted-unit', {}, 'vitest-adopted-project')
    // Progress lines on (this suite's setup turns them off), so that a server start would show.
    const result = await project.testbed(['test'], { TESTBED_QUIET: '' })
    expectPassed(result)
    expect(result.stdout).toMatch(/Tests\s+1 passed \| 4 skipped \(5\)/)
    expect(result.stdout + result.stderr).not.toContain('starting PostgreSQL')
  }, 180_000)

  test('a statement transaction cannot run fails its test; the next run gives it a database, saying so', async () => {
    const project = vitestProject('adopted-escalation', {}, 'vitest-adopted-project')
    project.write({
      'test/users/vacuumTest.ts': `import { pool } from '../../src/db.ts'

it('vacuums the users table', async () => {
  await pool.query('VACUUM users')
})
`,
    })
    const first = await project.testbed(['test', '--integration'])
    expect(first.code).toBe(1)
    expect(first.stdout + first.stderr).toContain(
      "[testbed] Cannot run VACUUM under isolation 'transaction': `VACUUM users`.",
    )
    expect(first.stdout + first.stderr).toContain('testbed remembers this test in')
    const second = await project.testbed(['test', '--integration'])
    expect(second.stderr).toContain(
      "test/users/vacuumTest.ts > vacuums the users table runs under isolation 'database': on an earlier run it sent VACUUM",
    )
    expectPassed(second)
  }, 180_000)
})
