import { parseArgs } from 'node:util'
import { type CiProject, readCiProject } from '../ci/ci-project.ts'
import { githubWorkflow } from '../ci/github-workflow.ts'
import { renderWorkflow, WORKFLOW_PATH, type WriteOutcome, writeWorkflow } from '../ci/workflow-file.ts'
import { loadConfig } from '../core/config-loader.ts'
import { validateConfig } from '../core/config-validation.ts'
import { TestbedError } from '../core/errors.ts'
import { durationsPath, readDurations } from '../vitest/node/durations-file.ts'
import { plural } from '../vitest/node/report.ts'
import { type CliContext, print } from './cli-context.ts'

export const CI_USAGE = `Usage: testbed ci github [options]

Writes ${WORKFLOW_PATH} from testbed.config.ts and package.json: a unit job, the
integration tests (in --shards jobs, split by recorded durations), and a report job that merges
their reports into one (JUnit, coverage, the duration budget enforced). A suite adopted with
\`integrationTests\` gets one job, in --shards jobs, for all its tests instead of the first two.

Options:
  --shards <n>       Split the integration tests (an adopted suite: all tests) over n jobs (default: 1)
  --force            Replace the workflow even if it was edited by hand
  --config <file>    Use this testbed config instead of ./testbed.config.ts`

// GitHub runs at most 256 jobs of one matrix.
const MAX_SHARDS = 256

/** `testbed ci github`: writes the GitHub Actions workflow, then says what it holds. */
export async function ciCommand(context: CliContext, args: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    strict: true,
    options: {
      shards: { type: 'string' },
      force: { type: 'boolean' },
      config: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    print(context.stdout, CI_USAGE)
    return 0
  }
  const target = positionals.join(' ')
  if (target !== 'github') throw unknownTarget(target)
  const shards = parseShards(values.shards)
  const loaded = await loadConfig(context.cwd, values.config ?? context.configFile)
  validateConfig(loaded.config)
  const project = readCiProject(loaded)
  const sources = `${loaded.file ? 'testbed.config.ts' : 'testbed’s default services'} and package.json`
  const text = renderWorkflow(githubWorkflow(project, { shards }), sources)
  const outcome = writeWorkflow(project.repoRoot, text, values.force ?? false)
  print(context.stdout, summary(project, shards, outcome, loaded.projectDir).join('\n'))
  return 0
}

function summary(project: CiProject, shards: number, outcome: WriteOutcome, projectDir: string): string[] {
  const head =
    outcome === 'unchanged' ? `testbed: ${WORKFLOW_PATH} is up to date.` : `testbed: ${outcome} ${WORKFLOW_PATH}:`
  return [
    head,
    `  node: ${Object.values(project.node.with)[0]} (${project.node.from})`,
    `  install: ${project.packageManager.install}${project.packageManager.lockfile ? '' : ' (no lock file: npm ci and caching need one)'}`,
    ...testLines(project, shards, projectDir),
    ...project.services.summary.map((line) => `  service ${line}`),
    `  coverage: ${project.coverage ? `${project.coverage}, merged in the report job` : 'off: package.json lists no @vitest/coverage-v8 (npm install --save-dev @vitest/coverage-v8, then run this again)'}`,
    '  report: one merged report (JUnit, durations) in the `test-report` artifact; --budget=strict fails it over budget',
    ...(project.node.note ? [`  note: ${project.node.note}`] : []),
  ]
}

function testLines(project: CiProject, shards: number, projectDir: string): string[] {
  if (project.adopted) return [`  tests: ${shardsLine('the whole suite', '', shards, projectDir)}`]
  return [`  unit tests: ${unitLine(project)}`, `  integration tests: ${integrationLine(project, shards, projectDir)}`]
}

function unitLine(project: CiProject): string {
  if (!project.unitDir) return 'no job: there is no unit test folder'
  if (!project.unitTagsIntegration) return `one job (${project.unitDir})`
  return `one job (${project.unitDir}), with integration tests on and the services: files there tag tests \`integration\``
}

function integrationLine(project: CiProject, shards: number, projectDir: string): string {
  const folder = project.integrationDir
  if (!folder) return 'no job: there is no integration test folder'
  return shardsLine(folder, `${folder}/`, shards, projectDir)
}

// `prefix` picks the recorded files of what the jobs run ('' for all of them).
function shardsLine(what: string, prefix: string, shards: number, projectDir: string): string {
  if (shards === 1) return `one job (${what}); --shards N splits it over N jobs`
  const recorded = Object.keys(readDurations(durationsPath(projectDir)).files).filter((file) =>
    file.startsWith(prefix),
  ).length
  const split =
    recorded > 0
      ? `split by the durations of ${plural(recorded, 'file')} in .testbed/durations.json (commit it)`
      : 'spread evenly: no durations recorded yet (run `testbed test --integration`, then commit .testbed/durations.json)'
  return `${shards} jobs (${what}), ${split}`
}

function parseShards(value: string | undefined): number {
  if (value === undefined) return 1
  const shards = Number(value)
  if (Number.isInteger(shards) && shards >= 1 && shards <= MAX_SHARDS && /^\d+$/.test(value)) return shards
  throw new TestbedError('TESTBED_CI_INVALID_ARGUMENT', {
    what: 'Invalid value for --shards',
    subject: value,
    why: `--shards is how many jobs run the integration tests: a whole number from 1 to ${MAX_SHARDS} (GitHub’s matrix limit)`,
    fix: 'Use, for example, `testbed ci github --shards 4`',
  })
}

function unknownTarget(target: string): TestbedError {
  return new TestbedError('TESTBED_CI_UNKNOWN_TARGET', {
    what: 'Unknown CI system for `testbed ci`',
    subject: target === '' ? '(none given)' : target,
    why: 'testbed ci writes GitHub Actions workflows: `testbed ci github`',
    fix: `Run \`testbed ci github\`; for GitLab CI, docs/ci.md shows the equivalent .gitlab-ci.yml`,
  })
}
