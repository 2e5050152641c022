// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${{ … }}` here is GitHub Actions expression syntax, not a template slip
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { parse } from 'yaml'
import { workflowProblems } from '../test-utils/github-workflow-parser.ts'
import { runTestbed } from '../test-utils/run-cli.ts'
import { testProject } from '../test-utils/test-project.ts'
import { expectPassed, vitestProject } from '../test-utils/vitest-project.ts'

const WORKFLOW = '.github/workflows/testbed.yml'
const SERVICES = "{ db: postgres({ migrations: 'migrations' }), cache: redis() }"

function writeProject(dir: string): void {
  for (const folder of ['migrations', 'tests/unit', 'tests/integration'])
    mkdirSync(join(dir, folder), { recursive: true })
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ engines: { node: '>=22.12' } }))
  writeFileSync(join(dir, 'package-lock.json'), '{}')
  mkdirSync(join(dir, '.testbed'))
  writeFileSync(
    join(dir, '.testbed/durations.json'),
    JSON.stringify({ version: 1, files: { 'tests/integration/a.test.ts': 900, 'tests/unit/b.test.ts': 3 } }),
  )
}

describe.concurrent('testbed ci github', () => {
  test('writes a valid workflow, says what it holds, and leaves it alone when run again', async () => {
    await using project = testProject(SERVICES)
    writeProject(project.dir)
    const first = await runTestbed(['ci', 'github', '--shards', '3'], { cwd: project.dir })
    expect(first).toEqual({
      code: 0,
      signal: null,
      stderr: '',
      stdout: [
        'testbed: created .github/workflows/testbed.yml:',
        '  node: 22 (engines.node `>=22.12`)',
        '  install: npm ci',
        '  unit tests: one job (tests/unit)',
        '  integration tests: 3 jobs (tests/integration), split by the durations of 1 file in .testbed/durations.json (commit it)',
        '  service db (postgres, embedded): binaries from the npm install, nothing else',
        '  service cache (redis, local): apt-get install redis-server',
        '  coverage: off: package.json lists no @vitest/coverage-v8 (npm install --save-dev @vitest/coverage-v8, then run this again)',
        '  report: one merged report (JUnit, durations) in the `test-report` artifact; --budget=strict fails it over budget',
        '',
      ].join('\n'),
    })
    const written = readFileSync(join(project.dir, WORKFLOW), 'utf8')
    expect(await workflowProblems(written)).toEqual([])

    const again = await runTestbed(['ci', 'github', '--shards', '3'], { cwd: project.dir })
    expect(again.code).toBe(0)
    expect(again.stdout.split('\n')[0]).toBe('testbed: .github/workflows/testbed.yml is up to date.')
    expect(readFileSync(join(project.dir, WORKFLOW), 'utf8')).toBe(written)

    const fewer = await runTestbed(['ci', 'github', '--shards=2'], { cwd: project.dir })
    expect(fewer.stdout.split('\n')[0]).toBe('testbed: updated .github/workflows/testbed.yml:')
  })

  test('refuses to overwrite a hand-edited workflow without --force', async () => {
    await using project = testProject(SERVICES)
    writeProject(project.dir)
    expect((await runTestbed(['ci', 'github'], { cwd: project.dir })).code).toBe(0)
    const path = join(project.dir, WORKFLOW)
    writeFileSync(path, readFileSync(path, 'utf8').replace('timeout-minutes: 30', 'timeout-minutes: 45'))
    const refused = await runTestbed(['ci', 'github', '--shards', '2'], { cwd: project.dir })
    expect(refused).toEqual({
      code: 1,
      signal: null,
      stdout: '',
      stderr:
        '[testbed] Not replacing a workflow edited by hand: .github/workflows/testbed.yml.\n' +
        'It was changed since testbed wrote it: its checksum line no longer matches; writing it again would lose those edits. ' +
        'Run `testbed ci github --force` to replace it anyway, or keep your version and maintain it by hand.\n' +
        'Read more: node_modules/testbed/docs/errors.md#testbed_ci_hand_edited\n',
    })
    expect(readFileSync(path, 'utf8')).toContain('timeout-minutes: 45')
    const forced = await runTestbed(['ci', 'github', '--shards', '2', '--force'], { cwd: project.dir })
    expect(forced.stdout.split('\n')[0]).toBe('testbed: updated .github/workflows/testbed.yml:')
    expect(readFileSync(path, 'utf8')).not.toContain('timeout-minutes: 45')
  })

  test('an unknown CI system or a bad --shards fails, saying what it takes', async () => {
    await using project = testProject(SERVICES)
    writeProject(project.dir)
    const gitlab = await runTestbed(['ci', 'gitlab'], { cwd: project.dir })
    expect(gitlab).toMatchObject({
      code: 1,
      stdout: '',
      stderr:
        '[testbed] Unknown CI system for `testbed ci`: gitlab.\n' +
        'testbed ci writes GitHub Actions workflows: `testbed ci github`. Run `testbed ci github`; for GitLab CI, docs/ci.md shows the equivalent .gitlab-ci.yml.\n' +
        'Read more: node_modules/testbed/docs/errors.md#testbed_ci_unknown_target\n',
    })
    const shards = await runTestbed(['ci', 'github', '--shards', '0'], { cwd: project.dir })
    expect(shards).toMatchObject({
      code: 1,
      stdout: '',
      stderr:
        '[testbed] Invalid value for --shards: 0.\n' +
        '--shards is how many jobs run the integration tests: a whole number from 1 to 256 (GitHub’s matrix limit). Use, for example, `testbed ci github --shards 4`.\n' +
        'Read more: node_modules/testbed/docs/errors.md#testbed_ci_invalid_argument\n',
    })
  })
})

interface WorkflowJobs {
  jobs: Record<string, { steps: Array<{ name?: string; run?: string }> }>
}

// The `testbed test …` line of a job's step, as arguments, for the given shard.
function testbedArgs(workflow: WorkflowJobs, job: string, step: string, shard = ''): string[] {
  const run = workflow.jobs[job]?.steps.find((candidate) => candidate.name === step)?.run ?? ''
  const [npx, testbed, ...args] = run.replaceAll('${{ matrix.shard }}', shard).split(' ')
  expect([npx, testbed]).toEqual(['npx', 'testbed'])
  return args
}

test('the workflow’s own commands, run as its jobs would, run every test once and merge into one JUnit report', async () => {
  const project = vitestProject(
    'ci-commands',
    {
      'tests/integration/health.test.ts':
        "import { expect, test } from 'testbed/vitest'\ntest('answers a query', async ({ db }) => {\n  expect((await db.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }])\n})\n",
    },
    'guide-project',
  )
  expectPassed(await project.testbed(['ci', 'github', '--shards', '2']))
  const workflow = parse(project.read(WORKFLOW)) as WorkflowJobs
  // Each job on its own machine, all leaving their blob reports where the report job downloads them.
  expectPassed(await project.testbed(testbedArgs(workflow, 'unit', 'Unit tests')))
  for (const shard of ['1', '2']) {
    const run = await project.testbed(testbedArgs(workflow, 'integration', 'Integration tests', shard))
    expectPassed(run)
    expect(run.stdout).toContain(`testbed: shard ${shard}/2 by recorded durations: 1 of 2 files`)
  }
  const report = await project.testbed(
    testbedArgs(workflow, 'report', 'Merge the reports and check the duration budget'),
  )
  expectPassed(report)
  expect(report.stdout).toMatch(/testbed: within budget: integration tests took .* of 5m 00s of `budget.integration`\./)
  const junit = project.read('test-reports/junit.xml')
  const names = [...junit.matchAll(/<testcase classname="([^"]+)" name="([^"]+)"/g)].map(
    ([, file, name]) => `${file} > ${name}`,
  )
  expect(names.sort()).toEqual([
    'tests/integration/health.test.ts > answers a query',
    'tests/integration/signup.test.ts > caches a session in a private Redis database',
    'tests/integration/signup.test.ts > finds an empty cache: the previous test was flushed',
    'tests/integration/signup.test.ts > sees only the seed: the previous test was rolled back',
    'tests/integration/signup.test.ts > stores a new user next to the seeded one',
    'tests/unit/email.test.ts > accepts an address',
    'tests/unit/email.test.ts > rejects a bare name',
    'tests/unit/email.test.ts > starts',
  ])
  expect(junit).toMatch(/<testsuites name="vitest tests" tests="8" failures="0" errors="0"/)

  // The budget holds for the shards together: over it, the report job fails.
  project.write({
    'testbed.config.ts': project.read('testbed.config.ts').replace("integration: '5m'", "integration: '1ms'"),
  })
  const over = await project.testbed(testbedArgs(workflow, 'report', 'Merge the reports and check the duration budget'))
  expect(over.code).toBe(1)
  expect(over.stderr).toMatch(
    /testbed: over budget: integration tests took .*, more than the 1 ms of `budget.integration`\. The run fails \(--budget=strict, TESTBED_BUDGET=strict\)\./,
  )
})

test('an adopted suite’s workflow runs each of its tests once, unit and integration tests of one file alike', async () => {
  // The suite marks its database tests with its own tag, next to untagged unit tests in the same files.
  const project = vitestProject('ci-adopted', {}, 'vitest-tagged-project')
  expectPassed(await project.testbed(['ci', 'github', '--shards', '2']))
  const workflow = parse(project.read(WORKFLOW)) as WorkflowJobs
  expect(Object.keys(workflow.jobs)).toEqual(['tests', 'report'])
  for (const shard of ['1', '2']) expectPassed(await project.testbed(testbedArgs(workflow, 'tests', 'Tests', shard)))
  expectPassed(
    await project.testbed(testbedArgs(workflow, 'report', 'Merge the reports and check the duration budget')),
  )
  const junit = project.read('test-reports/junit.xml')
  const names = [...junit.matchAll(/<testcase classname="([^"]+)" name="([^"]+)"/g)].map(
    ([, file, name]) => `${file} > ${name}`,
  )
  expect(new Set(names).size).toBe(names.length)
  expect(junit).toMatch(/<testsuites name="vitest tests" tests="8" failures="0" errors="0"/)
  expect(junit).not.toContain('<skipped')
})
