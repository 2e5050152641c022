import { posix } from 'node:path'
import type { CiProject } from './ci-project.ts'
import type { Step } from './package-manager.ts'

/** Options of `testbed ci github`. */
export interface GithubWorkflowOptions {
  /**
   * How many jobs run the integration tests, each a share of the files split by recorded durations.
   * @default 1
   */
  shards: number
}

type Job = Record<string, unknown>

// Where jobs leave their blob reports, and the merged report's outputs: not hidden folders, which
// upload-artifact leaves out.
const BLOBS = 'blob-reports'
const JUNIT = 'test-reports/junit.xml'
const COVERAGE = 'coverage'
const ALWAYS = expr('!cancelled()')

/**
 * The workflow as data: a unit job, the integration job (a matrix of shards), and a report job
 * that merges their blob reports into one (JUnit, coverage, the duration budget enforced). An
 * adopted suite gets one job (a matrix of shards) for all its tests instead of the first two.
 * @example
 * stringify(githubWorkflow(readCiProject(loaded), { shards: 4 }))
 */
export function githubWorkflow(project: CiProject, options: GithubWorkflowOptions): Record<string, unknown> {
  const jobs: Record<string, Job> = {}
  if (project.adopted) jobs.tests = suiteJob(project, options.shards)
  if (!project.adopted && project.unitDir) jobs.unit = unitJob(project)
  if (!project.adopted && project.integrationDir) jobs.integration = integrationJob(project, options.shards)
  jobs.report = reportJob(project, Object.keys(jobs))
  return {
    name: 'Tests',
    on: { push: { branches: ['main', 'master'] }, pull_request: null, workflow_dispatch: null },
    concurrency: { group: `${expr('github.workflow')}-${expr('github.ref')}`, 'cancel-in-progress': true },
    permissions: { contents: 'read' },
    env: { TESTBED_CACHE_DIR: `${expr('github.workspace')}/.testbed-cache` },
    ...(project.dir && { defaults: { run: { 'working-directory': project.dir } } }),
    jobs,
  }
}

// Tests tagged `integration` in the unit folder run in the unit project, which then needs the services.
function unitJob(project: CiProject): Job {
  const tagged = project.unitTagsIntegration
  const test = `${testbed(project)}${tagged ? ' --integration' : ''} --project unit${coverage(project)} ${blobReporter('blob-unit.json')}`
  const services = tagged ? serviceSetup(project) : { job: {}, steps: [] }
  return {
    name: 'Unit tests',
    'runs-on': 'ubuntu-latest',
    'timeout-minutes': tagged ? 30 : 15,
    ...services.job,
    steps: [
      ...setupSteps(project),
      ...services.steps,
      { name: 'Unit tests', run: test },
      uploadBlobs(project, 'blob-unit'),
    ],
  }
}

function integrationJob(project: CiProject, shards: number): Job {
  return shardedJob(project, shards, { id: 'integration', title: 'Integration tests', args: ' --project integration' })
}

// An adopted suite has no projects to split by, and a file may hold unit and integration tests:
// each shard runs its share of the whole suite, so every test runs (and is reported) exactly once.
function suiteJob(project: CiProject, shards: number): Job {
  return shardedJob(project, shards, { id: 'tests', title: 'Tests', args: '' })
}

interface ShardedJob {
  /** Names the blob reports. */
  id: string
  title: string
  /** What the `testbed test --integration` line adds before the shard. */
  args: string
}

function shardedJob(project: CiProject, shards: number, { id, title, args }: ShardedJob): Job {
  const sharded = shards > 1
  // A shard may get no file when there are more shards than files; the report job still sees none ran.
  const shard = sharded ? ` --shard ${expr('matrix.shard')}/${shards} --pass-with-no-tests` : ''
  const blob = sharded ? `blob-${id}-${expr('matrix.shard')}` : `blob-${id}`
  const test = `${testbed(project)} --integration${args}${shard}${coverage(project)} ${blobReporter(`${blob}.json`)}`
  const services = serviceSetup(project)
  return {
    name: sharded ? `${title} (${expr('matrix.shard')}/${shards})` : title,
    'runs-on': 'ubuntu-latest',
    'timeout-minutes': 30,
    ...(sharded && { strategy: { 'fail-fast': false, matrix: { shard: range(shards) } } }),
    ...services.job,
    steps: [...setupSteps(project), ...services.steps, { name: title, run: test }, uploadBlobs(project, blob)],
  }
}

/** What a job that starts the services needs: service containers and env at job level, and setup steps. */
function serviceSetup(project: CiProject): { job: Job; steps: Step[] } {
  const { services } = project
  return {
    job: {
      ...(Object.keys(services.containers).length > 0 && { services: services.containers }),
      ...(Object.keys(services.env).length > 0 && { env: services.env }),
    },
    steps: [
      ...aptSteps(services.aptPackages),
      ...services.steps,
      ...(services.startsPostgres ? [cacheStep(project)] : []),
    ],
  }
}

function reportJob(project: CiProject, needs: string[]): Job {
  const coverageMerge = project.coverage ? ` --coverage --coverage.reportsDirectory=${COVERAGE}` : ''
  const reporters = `--reporter=default --reporter=github-actions --reporter=junit --outputFile.junit=${JUNIT}`
  const merge = `${testbed(project)} --integration --merge-reports=${BLOBS} --budget=strict${coverageMerge} ${reporters}`
  const outputs = [JUNIT, ...(project.coverage ? [`${COVERAGE}/`] : []), '.testbed/durations.json']
  return {
    name: 'Report',
    needs,
    if: ALWAYS,
    'runs-on': 'ubuntu-latest',
    'timeout-minutes': 10,
    steps: [
      ...setupSteps(project),
      {
        name: 'Download the blob reports',
        uses: 'actions/download-artifact@v4',
        with: { pattern: 'blob-*', path: inProject(project, BLOBS), 'merge-multiple': true },
      },
      { name: 'Merge the reports and check the duration budget', run: merge },
      {
        name: 'Upload the report',
        if: ALWAYS,
        uses: 'actions/upload-artifact@v4',
        with: {
          name: 'test-report',
          path: outputs.map((path) => inProject(project, path)).join('\n'),
          'include-hidden-files': true,
        },
      },
    ],
  }
}

function setupSteps(project: CiProject): Step[] {
  const { packageManager: manager, node } = project
  const versionFile =
    'node-version-file' in node.with
      ? { 'node-version-file': inProject(project, node.with['node-version-file']) }
      : node.with
  const cache = manager.cache && {
    cache: manager.cache,
    ...(project.dir && manager.lockfile && { 'cache-dependency-path': inProject(project, manager.lockfile) }),
  }
  return [
    { uses: 'actions/checkout@v4' },
    ...manager.beforeNode,
    { uses: 'actions/setup-node@v4', with: { ...versionFile, ...cache } },
    ...manager.afterNode,
    { run: manager.install },
  ]
}

function aptSteps(packages: readonly string[]): Step[] {
  if (packages.length === 0) return []
  const list = packages.join(' ')
  return [
    {
      name: `Install ${list}`,
      run: `sudo apt-get update && sudo apt-get install -y --no-install-recommends ${list}`,
    },
  ]
}

// initdb output and template snapshots: a warm start copies them instead of running initdb and the
// migrations. The lock file is part of the key because it pins the PostgreSQL binaries.
function cacheStep(project: CiProject): Step {
  const files = project.cacheInputs.map((input) => `'${inProject(project, input)}'`).join(', ')
  return {
    name: 'Cache testbed’s initdb output and templates',
    uses: 'actions/cache@v4',
    with: {
      path: expr('env.TESTBED_CACHE_DIR'),
      key: `testbed-${expr('runner.os')}-${expr(`hashFiles(${files})`)}`,
      'restore-keys': `testbed-${expr('runner.os')}-`,
    },
  }
}

function uploadBlobs(project: CiProject, name: string): Step {
  return {
    name: 'Upload the blob report',
    if: ALWAYS,
    uses: 'actions/upload-artifact@v4',
    with: { name, path: inProject(project, `${BLOBS}/`), 'retention-days': 1 },
  }
}

function testbed(project: CiProject): string {
  return `${project.packageManager.exec} testbed test`
}

function coverage(project: CiProject): string {
  return project.coverage ? ' --coverage' : ''
}

function blobReporter(file: string): string {
  return `--reporter=default --reporter=blob --outputFile.blob=${BLOBS}/${file}`
}

// Actions' inputs are relative to the workspace, `run` steps to the project (defaults.run).
function inProject(project: CiProject, path: string): string {
  return project.dir ? posix.join(project.dir, path) : path
}

/** A GitHub Actions expression: `${{ text }}`. */
function expr(text: string): string {
  return `\${{ ${text} }}`
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, index) => index + 1)
}
