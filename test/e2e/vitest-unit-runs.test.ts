import { describe, expect, test } from 'vitest'
import { runTestbed } from '../test-utils/run-cli.ts'
import { testProject } from '../test-utils/test-project.ts'
import { expectPassed, RESULTS, vitestProject } from '../test-utils/vitest-project.ts'

// Runs of throwaway projects that start no service. Each test gets its own project; the runs go side by side.
const SKIPPED_LINE =
  'testbed: 4 integration tests skipped; run `testbed test --integration` (or set TESTBED_INTEGRATION=1) to include them.'
const UNIT_RESULTS = { 'accepts an address': 'passed', 'rejects a bare name': 'passed', starts: 'passed' }
const INTEGRATION_SKIPPED = {
  'caches a session in a private Redis database': 'skipped',
  'finds an empty cache: the previous test was flushed': 'skipped',
  'sees only the seed: the previous test was rolled back': 'skipped',
  'stores a new user next to the seeded one': 'skipped',
}

const linesOf = (text: string, prefix: string) => text.split('\n').filter((line) => line.startsWith(prefix))

describe.concurrent('testbed test, unit tests only', () => {
  test('runs the unit tests, skips the integration tests with one line saying how to include them, and starts no service', async () => {
    const project = vitestProject('unit-only', {}, 'guide-project')
    const result = await project.testbed(['test', ...RESULTS], { TESTBED_QUIET: '' })
    expectPassed(result)
    expect(project.results()).toEqual({ ...UNIT_RESULTS, ...INTEGRATION_SKIPPED })
    expect(linesOf(result.stdout, 'testbed: 4 integration')).toEqual([SKIPPED_LINE])
    // Nothing started: no progress lines, no run recorded, no services line.
    expect(result.stderr).not.toMatch(/starting|ready in|template/)
    expect(result.stdout).not.toMatch(/services started|attached to services/)
    expect(project.runs()).toEqual([])
    expect(JSON.parse(project.read('.testbed/durations.json'))).toEqual({
      version: 1,
      files: { 'tests/unit/email.test.ts': expect.any(Number) },
    })
  })

  test('--integration starts no service when the run holds no integration test, saying why', async () => {
    const project = vitestProject('integration-none-selected', {}, 'guide-project')
    const unitFolder = await project.testbed(['test', '--integration', 'tests/unit'])
    expectPassed(unitFolder)
    expect(linesOf(unitFolder.stdout, 'testbed: no services')).toEqual([
      'testbed: no services started: no test file of this run is in tests/integration or tags a test `integration`.',
    ])
    const notIntegration = await project.testbed(['test', '--integration', '-m', 'not integration'])
    expectPassed(notIntegration)
    expect(linesOf(notIntegration.stdout, 'testbed: no services')).toEqual([
      'testbed: no services started: the tag filter `!integration` leaves out every integration test.',
    ])
    expect(project.runs()).toEqual([])
  })

  test('-m maps a pytest marker expression onto Vitest’s tag filter', async () => {
    const project = vitestProject('markers', {}, 'guide-project')
    const notSlow = await project.testbed(['test', '-m', 'not slow', ...RESULTS])
    expectPassed(notSlow)
    expect(project.results()).toEqual({ ...UNIT_RESULTS, 'rejects a bare name': 'skipped', ...INTEGRATION_SKIPPED })
    const smokeOrSlow = await project.testbed(['test', '-m', '(smoke or slow) and not integration', ...RESULTS])
    expectPassed(smokeOrSlow)
    expect(project.results()).toEqual({ ...UNIT_RESULTS, 'accepts an address': 'skipped', ...INTEGRATION_SKIPPED })
  })

  test('an unknown marker fails before Vitest runs, listing the known markers', async () => {
    const project = vitestProject('unknown-marker', {}, 'guide-project')
    const result = await project.testbed(['test', '-m', 'unit and not fast'])
    expect(result).toEqual({
      code: 1,
      signal: null,
      stdout: '',
      stderr:
        '[testbed] Unknown marker in -m: `fast`.\n' +
        "Only declared tags can be markers, as with pytest --strict-markers. Declare it in testbed.config.ts (`tags: ['fast']`), or correct its spelling.\n" +
        '  • known markers: unit, integration, slow, smoke\n' +
        'Read more: node_modules/testbed/docs/errors.md#testbed_marker_unknown\n',
    })
  })

  test('a marker expression that does not parse fails, showing the syntax', async () => {
    const project = vitestProject('bad-marker', {}, 'guide-project')
    const result = await project.testbed(['test', '-m', 'unit and'])
    expect(result).toMatchObject({
      code: 1,
      stdout: '',
      stderr:
        '[testbed] Invalid marker expression in -m: `unit and`.\n' +
        'It ends where a marker name or `(` should follow. Join marker names with `and`, `or` and `not`, grouping with parentheses, as in `-m "integration and not slow"`.\n' +
        'Read more: node_modules/testbed/docs/errors.md#testbed_marker_invalid\n',
    })
  })

  test('a project without Vitest gets told to install it', async () => {
    await using project = testProject()
    const result = await runTestbed(['test'], { cwd: project.dir })
    expect(result).toEqual({
      code: 1,
      signal: null,
      stdout: '',
      stderr:
        `[testbed] Cannot find Vitest in the project: ${project.dir}.\n` +
        '`testbed test` runs the project’s own Vitest, and none resolves from this folder. Install it: npm install --save-dev vitest.\n' +
        "  • Cannot find module 'vitest/package.json'\n" +
        'Read more: node_modules/testbed/docs/errors.md#testbed_cli_vitest_missing\n',
    })
  })

  test('plain `vitest` with the plugin fails a test file with an undeclared tag, listing the known tags', async () => {
    const project = vitestProject(
      'undeclared-tag',
      {
        'tests/unit/typo.test.ts':
          "import { test } from 'testbed/vitest'\ntest('renders', { tags: ['fast'] }, () => {})\n",
      },
      'guide-project',
    )
    const result = await project.vitest([])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(
      [
        'Error: The tag "fast" is not defined in the configuration. Available tags are:',
        '- unit: Unit tests (fast, isolated)',
        '- integration: Integration tests (slower, external deps)',
        '- slow: Slow-running tests',
        '- smoke: Checks that the app starts',
      ].join('\n'),
    )
    // The file's own error explains the failure; "no test ran" would only add noise.
    expect(result.stderr).not.toContain('no test ran')
  })

  test('fails when no test ran, saying so, unless --pass-with-no-tests', async () => {
    const project = vitestProject('nothing-runs', { 'tests/unit/email.test.ts': null }, 'guide-project')
    const failed = await project.testbed(['test'])
    expect(failed.code).toBe(1)
    expect(linesOf(failed.stdout, 'testbed: 4 integration')).toEqual([SKIPPED_LINE])
    expect(linesOf(failed.stderr, 'testbed:')).toEqual([
      'testbed: no test ran (4 tests skipped), so the run fails; pass --pass-with-no-tests if that is expected.',
    ])
    const passed = await project.testbed(['test', '--pass-with-no-tests'])
    expectPassed(passed)
    expect(linesOf(passed.stderr, 'testbed:')).toEqual([])
  })

  test('the `db` fixture in a test that is not an integration test fails, saying why and what to do', async () => {
    const project = vitestProject(
      'db-in-unit',
      {
        'tests/unit/db.test.ts':
          "import { test } from 'testbed/vitest'\ntest('reads users', async ({ db }) => { await db.query('SELECT 1') })\n",
      },
      'guide-project',
    )
    const result = await project.testbed(['test', 'tests/unit/db.test.ts'])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(
      'TestbedError: [testbed] The `db` fixture needs a postgres service.\n' +
        'testbed started no service for this run: integration tests are not enabled (`testbed test --integration` or TESTBED_INTEGRATION=1). ' +
        'Tag the test `integration` (or move it to the integration folder) and run `testbed test --integration`.',
    )
  })
})

describe.concurrent('the reporter', () => {
  const SLOW_UNIT = [
    "import { setTimeout as sleep } from 'node:timers/promises'",
    "import { expect, test } from 'testbed/vitest'",
    "test('waits for the clock', async () => { await sleep(30); expect(1).toBe(1) })",
    "test('waits too, tagged slow', { tags: ['slow'] }, async () => { await sleep(30) })",
    '',
  ].join('\n')
  const CONFIG = [
    "import { defineConfig } from 'testbed'",
    "export default defineConfig({ services: {}, budget: { unit: '10ms' }, slowThreshold: '20ms' })",
    '',
  ].join('\n')

  test('warns when a budget is exceeded, fails the run with --budget=strict, and reports slow tests not tagged slow', async () => {
    const project = vitestProject(
      'budget',
      { 'testbed.config.ts': CONFIG, 'tests/unit/clock.test.ts': SLOW_UNIT },
      'guide-project',
    )
    const warned = await project.testbed(['test', 'tests/unit/clock.test.ts'])
    expectPassed(warned)
    const overBudget = /^testbed: over budget: unit tests took \d+ ms, more than the 10 ms of `budget\.unit`\./
    const [warning] = linesOf(warned.stdout, 'testbed: over budget')
    expect(warning).toMatch(overBudget)
    expect(warning).toMatch(
      /\. Speed them up or raise the budget; `testbed test --budget=strict` makes this fail the run\.$/,
    )
    const slowReport = warned.stdout.split('\n').findIndex((line) => line.startsWith('testbed: 1 test took longer'))
    expect(warned.stdout.split('\n').slice(slowReport, slowReport + 2)).toEqual([
      'testbed: 1 test took longer than 20 ms without the `slow` tag (tag them so that `-m "not slow"` leaves them out):',
      expect.stringMatching(/^ +\d+ ms {2}tests\/unit\/clock\.test\.ts > waits for the clock$/),
    ])

    const strict = await project.testbed(['test', '--budget=strict', 'tests/unit/clock.test.ts'])
    expect(strict.code).toBe(1)
    const [failure] = linesOf(strict.stderr, 'testbed: over budget')
    expect(failure).toMatch(overBudget)
    expect(failure).toMatch(/\. The run fails \(--budget=strict, TESTBED_BUDGET=strict\)\.$/)
  })

  test('keeps the durations of files a run left out, and drops those of deleted files', async () => {
    const project = vitestProject('durations', {}, 'guide-project')
    project.write({
      '.testbed/durations.json': JSON.stringify({
        version: 1,
        files: { 'tests/integration/signup.test.ts': 1234.5, 'tests/unit/deleted.test.ts': 10 },
      }),
    })
    expectPassed(await project.testbed(['test']))
    expect(JSON.parse(project.read('.testbed/durations.json'))).toEqual({
      version: 1,
      files: { 'tests/integration/signup.test.ts': 1234.5, 'tests/unit/email.test.ts': expect.any(Number) },
    })
  })

  test('an invalid option in testbed.config.ts stops the run with the option, the value and the fix', async () => {
    const config =
      "import { defineConfig } from 'testbed'\nexport default defineConfig({ budget: { integration: 'five minutes' } })\n"
    const project = vitestProject('bad-config', { 'testbed.config.ts': config }, 'guide-project')
    const result = await project.testbed(['test'])
    expect(result).toMatchObject({
      code: 1,
      stdout: '',
      stderr:
        '[testbed] Invalid option in testbed.config.ts: `budget.integration`.\n' +
        "Expected the `budget.integration` option to be a duration such as `'300ms'`, `'45s'` or `'5m'`, or a number of milliseconds, got `five minutes` (string). " +
        'Fix `budget.integration` in testbed.config.ts, or remove it to use the default.\n' +
        'Read more: node_modules/testbed/docs/errors.md#testbed_config_invalid\n',
    })
  })
})
