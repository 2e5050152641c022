import { expect, test } from 'vitest'
import { expectPassed, RESULTS, vitestProject } from '../test-utils/vitest-project.ts'

// The pools of test/fixtures/app-pools-project have no 'error' listener: had testbed ended their
// connections to drop a database, pg would have thrown 57P01 in the worker and Vitest would have
// failed the run with "Errors" although every test passed.
test("apps' own pools left open on db.url (pg.Pool, drizzle(url), Kysely) never crash the run when testbed drops their databases", async () => {
  const project = vitestProject('app-pools', {}, 'app-pools-project')
  const result = await project.testbed(['test', '--integration', ...RESULTS])
  expectPassed(result)
  expect(`${result.stdout}${result.stderr}`).not.toMatch(/57P01|Unhandled|Uncaught/)
  expect(project.results()).toEqual({
    'database isolation Kysely over a pg.Pool': 'passed',
    'database isolation a pool client checked out and never released': 'passed',
    'database isolation drizzle(db.url)': 'passed',
    'database isolation pg.Pool without an error listener': 'passed',
    'database isolation the databases above are dropped once their pools close their idle connections': 'passed',
    'reset isolation pg.Pool without an error listener, on the worker database': 'passed',
    'reset isolation starts again without the row': 'passed',
  })
})
