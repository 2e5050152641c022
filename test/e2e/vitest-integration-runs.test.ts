import { describe, expect, test } from 'vitest'
import { tempDir } from '../test-utils/temp-dir.ts'
import { expectPassed, RESULTS, type VitestProject, vitestProject } from '../test-utils/vitest-project.ts'

// Runs of throwaway projects against real PostgreSQL and Redis servers that the runs start.
// At most two runs (so two PostgreSQL and two Redis servers) at once: the tests of a block run side
// by side, the blocks one after another (a `describe.concurrent` block would run beside its siblings).
const linesOf = (text: string, prefix: string) => text.split('\n').filter((line) => line.startsWith(prefix))

/** The first line-group of a failed test's error as the JSON reporter wrote it, without the stack. */
function failureOf(project: VitestProject, fullName: string): string | undefined {
  const results = JSON.parse(project.read('.results.json')) as {
    testResults: Array<{ assertionResults: Array<{ fullName: string; failureMessages: string[] }> }>
  }
  const test = results.testResults.flatMap((file) => file.assertionResults).find((t) => t.fullName === fullName)
  return test?.failureMessages[0]?.split('\n    at ')[0]
}

describe('testbed test --integration', () => {
  test.concurrent('runs unit and integration tests against real services started once before the tests, and stops them after', async () => {
    const project = vitestProject('both', {}, 'guide-project')
    const result = await project.testbed(['test', '--integration', ...RESULTS], { TESTBED_QUIET: '' })
    expectPassed(result)
    expect(project.results()).toEqual({
      'accepts an address': 'passed',
      'caches a session in a private Redis database': 'passed',
      'finds an empty cache: the previous test was flushed': 'passed',
      'rejects a bare name': 'passed',
      'sees only the seed: the previous test was rolled back': 'passed',
      starts: 'passed',
      'stores a new user next to the seeded one': 'passed',
    })
    // Progress while the services start and the template builds, then one summary line.
    expect(result.stderr).toMatch(/^… db: starting PostgreSQL .*\n/m)
    expect(result.stderr).toMatch(/^… cache: starting Redis .*\n/m)
    expect(result.stderr).toMatch(/^… building template testbed_tpl_[0-9a-f]{16} \(1 migration, 1 seed\)$/m)
    expect(linesOf(result.stdout, 'testbed: services')).toEqual([
      expect.stringMatching(
        /^testbed: services started in .+, templates ready in .+ \(1 built\); charged to no test\.$/,
      ),
    ])
    expect(linesOf(result.stdout, 'testbed: within budget')).toEqual([
      expect.stringMatching(/^testbed: within budget: integration tests took .+ of 5m 00s of `budget\.integration`\.$/),
    ])
    expect(result.stdout).not.toContain('skipped;')
    expect(Object.keys(JSON.parse(project.read('.testbed/durations.json')).files)).toEqual([
      'tests/integration/signup.test.ts',
      'tests/unit/email.test.ts',
    ])
    expect(project.runs()).toEqual([])
  })

  test.concurrent('-m "integration and not slow" asks for integration tests, so it runs them without --integration', async () => {
    const project = vitestProject('integration-not-slow', {}, 'guide-project')
    const result = await project.testbed(['test', '-m', 'integration and not slow', ...RESULTS])
    expectPassed(result)
    expect(project.results()).toEqual({
      'accepts an address': 'skipped',
      'caches a session in a private Redis database': 'skipped',
      'finds an empty cache: the previous test was flushed': 'passed',
      'rejects a bare name': 'skipped',
      'sees only the seed: the previous test was rolled back': 'passed',
      starts: 'skipped',
      'stores a new user next to the seeded one': 'passed',
    })
  })
})

const PID_FILE = (name: string) => `import { appendFileSync } from 'node:fs'
import { expect, test } from 'testbed/vitest'

test('${name} runs', async ({ db }) => {
  appendFileSync('pids.txt', \`\${process.pid}\\n\`)
  expect((await db.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }])
})
`

describe('the integration project’s workers', () => {
  // Each of three files records the pid of the worker process that ran it.
  const pidsOfRun = async (name: string, args: string[]) => {
    const files = {
      'tests/integration/signup.test.ts': null,
      'tests/integration/first.test.ts': PID_FILE('first'),
      'tests/integration/second.test.ts': PID_FILE('second'),
      'tests/integration/third.test.ts': PID_FILE('third'),
    }
    const project = vitestProject(name, files, 'guide-project')
    expectPassed(await project.testbed(['test', '--integration', ...args, 'tests/integration/']))
    return new Set(project.read('pids.txt').trim().split('\n')).size
  }

  // One worker, so only isolation varies.
  test.concurrent('integration files share their worker process', async () => {
    expect(await pidsOfRun('pids-shared-worker', ['--maxWorkers=1'])).toBe(1)
  })

  test.concurrent('--isolate gives each integration file a worker process of its own again', async () => {
    expect(await pidsOfRun('pids-isolated-workers', ['--maxWorkers=1', '--isolate'])).toBe(3)
  })

  // Vitest alone runs cores − 1 workers: one on a 2-core machine.
  test.concurrent('three integration files run in two worker processes or more, even on 2 cores', async () => {
    expect(await pidsOfRun('pids-two-workers', [])).toBeGreaterThanOrEqual(2)
  })
})

describe('the db and redis fixtures', () => {
  test.concurrent('db works with each isolation strategy, picked by the config, a file, a describe block or one test', async () => {
    const project = vitestProject('strategies', {}, 'isolation-project')
    const files = ['tests/integration/strategies.test.ts', 'tests/integration/file-override.test.ts']
    const result = await project.testbed(['test', '--integration', ...files, ...RESULTS])
    expectPassed(result)
    expect(project.results()).toEqual({
      'database isolation adds a user': 'passed',
      'database isolation starts again from the seed': 'passed',
      'every test of this file uses the strategy the file picked': 'passed',
      'one test picks its strategy with meta: a database of its own, where a commit is real': 'passed',
      'reset isolation adds a user': 'passed',
      'reset isolation starts again from the seed': 'passed',
      'the other tests get the strategy of testbed.config.ts': 'passed',
      'transaction isolation adds a user': 'passed',
      'transaction isolation starts again from the seed': 'passed',
    })
  })

  test.concurrent('concurrent integration tests on two workers never see each other’s rows or keys, with every strategy', async () => {
    const project = vitestProject('two-workers', {}, 'isolation-project')
    const files = ['tests/integration/worker-a.test.ts', 'tests/integration/worker-b.test.ts']
    const env = { RENDEZVOUS_DIR: tempDir('testbed-rendezvous-') }
    const result = await project.testbed(['test', '--integration', '--maxWorkers=2', ...files, ...RESULTS], env)
    expectPassed(result)
    const names = ['transaction', 'database', 'reset'].flatMap((isolation) => [
      [`${isolation} isolation worker a sees only its own rows and keys while worker b writes`, 'passed'],
      [`${isolation} isolation worker b sees only its own rows and keys while worker a writes`, 'passed'],
    ])
    expect(project.results()).toEqual(Object.fromEntries(names.sort(([a], [b]) => String(a).localeCompare(String(b)))))
  })
})

describe('concurrent tests and the leak check', () => {
  test.concurrent('concurrent tests in one worker each get their own database state and Redis database, with every strategy', async () => {
    const project = vitestProject('concurrent', {}, 'isolation-project')
    const file = 'tests/integration/concurrent.test.ts'
    const result = await project.testbed(['test', '--integration', '--maxConcurrency=5', file, ...RESULTS])
    expectPassed(result)
    const statuses = Object.values(project.results())
    expect(statuses).toEqual(Array(60).fill('passed'))
  })

  test.concurrent('leakCheck in testbed.config.ts, a describe block or a test’s meta: a leak fails its test by name, and later tests start clean', async () => {
    const project = vitestProject('leak-check', {}, 'isolation-project')
    const config = project
      .read('testbed.config.ts')
      .replace("isolation: 'reset',", "isolation: 'reset',\n  leakCheck: true,")
    project.write({ 'testbed.config.ts': config })
    const result = await project.testbed(['test', '--integration', 'tests/integration/leak-check.test.ts', ...RESULTS])
    expect(result.code).toBe(1)
    expect(project.results()).toEqual({
      'a block with the check off creates a table, which a reset cannot undo, unchecked': 'passed',
      'transaction isolation commits on purpose, with the check off for this test': 'passed',
      'transaction isolation finds only the seed user again': 'passed',
      'transaction isolation finds the seed user unchanged: the leak was reported and the database replaced': 'passed',
      'transaction isolation updates the seed user through a connection of its own': 'failed',
    })
    expect(failureOf(project, 'transaction isolation updates the seed user through a connection of its own')).toBe(
      "TestbedError: [testbed] Changes leaked out of the test's isolation: tests/integration/leak-check.test.ts > transaction isolation > updates the seed user through a connection of its own.\n" +
        "The database did not return to its starting state after the test, which usually means the test committed through a connection of its own instead of the test's `db` pool. " +
        "Run every query through `db.pool` / `db.query` (or use isolation 'database' for code that must open its own connections), " +
        'or turn the check off with `leakCheck: false` (in testbed.config.ts, `test.override({ leakCheck: false })` or the test’s `meta`).\n' +
        '  • public.users: rows updated (1 row before, 1 after)\n' +
        'Read more: node_modules/testbed/docs/errors.md#testbed_isolation_leak',
    )
  })
})

describe('a test tagged integration outside the integration folder', () => {
  test('is skipped like the others, and with --integration runs against the services', async () => {
    const tagged = [
      "import { expect, test } from 'testbed/vitest'",
      "test('reads the seeded user', { tags: ['integration'] }, async ({ db }) => {",
      "  expect((await db.query('SELECT email FROM users')).rows).toEqual([{ email: 'seed@example.com' }])",
      '})',
      '',
    ].join('\n')
    const project = vitestProject('tagged-elsewhere', { 'tests/unit/tagged.test.ts': tagged }, 'guide-project')
    const off = await project.testbed(['test', 'tests/unit', ...RESULTS])
    expectPassed(off)
    expect(project.results()['reads the seeded user']).toBe('skipped')
    expect(linesOf(off.stdout, 'testbed: 1 integration test')).toEqual([
      'testbed: 1 integration test skipped; run `testbed test --integration` (or set TESTBED_INTEGRATION=1) to include them.',
    ])
    const on = await project.testbed(['test', '--integration', 'tests/unit', ...RESULTS])
    expectPassed(on)
    expect(project.results()['reads the seeded user']).toBe('passed')
    expect(linesOf(on.stdout, 'testbed: services started')).toHaveLength(1)
  })
})

describe('services left running by `testbed services up --detach`', () => {
  test('a test run attaches to them instead of starting its own, and leaves them running', async () => {
    const project = vitestProject('attach', {}, 'guide-project')
    expectPassed(await project.testbed(['services', 'up', '--detach']))
    try {
      const [detached] = project.runs()
      const result = await project.testbed(['test', '--integration', ...RESULTS])
      expectPassed(result)
      expect(Object.values(project.results())).toEqual(Array(7).fill('passed'))
      expect(linesOf(result.stdout, 'testbed: attached')).toEqual([
        expect.stringMatching(
          /^testbed: attached to services left running by `testbed services up` in .+, templates ready in .+ \(1 built\); charged to no test\.$/,
        ),
      ])
      expect(project.runs().map((run) => [run.record.id, run.isLive()])).toEqual([[detached?.record.id, true]])
    } finally {
      expectPassed(await project.testbed(['services', 'down']))
    }
  })
})
