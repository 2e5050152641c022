// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${{ … }}` here is GitHub Actions expression syntax, not a template slip
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { parse } from 'yaml'
import { workflowProblems } from '../../test/test-utils/github-workflow-parser.ts'
import { tempDir } from '../../test/test-utils/temp-dir.ts'
import type { ServiceDeclaration, TestbedConfig } from '../core/config.ts'
import { firestore } from '../services/firestore/firestore-service.ts'
import { postgres } from '../services/postgres/postgres-service.ts'
import { redis } from '../services/redis/redis-service.ts'
import { readCiProject } from './ci-project.ts'
import { githubWorkflow } from './github-workflow.ts'
import { renderWorkflow } from './workflow-file.ts'

type Files = Record<string, string>
interface Step {
  name?: string
  uses?: string
  run?: string
  with?: Record<string, unknown>
}
interface Job {
  needs?: string[]
  services?: Record<string, unknown>
  env?: Record<string, string>
  strategy?: { matrix: { shard: number[] } }
  steps: Step[]
}
interface Workflow {
  defaults?: { run: { 'working-directory': string } }
  jobs: Record<string, Job>
}

const TEST_FOLDERS: Files = { 'tests/unit/.keep': '', 'tests/integration/.keep': '' }
const NPM: Files = { 'package.json': '{ "engines": { "node": ">=22.12" } }', 'package-lock.json': '{}' }

/** Writes a project (path → contents), generates its workflow and checks it with GitHub's parser. */
async function generate(files: Files, config: TestbedConfig | null, shards = 1, projectPath = '') {
  const root = tempDir()
  const projectDir = join(root, projectPath)
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(projectDir, path)), { recursive: true })
    writeFileSync(join(projectDir, path), text)
  }
  const file = config ? join(projectDir, 'testbed.config.ts') : null
  const project = readCiProject({ config: config ?? {}, file, projectDir })
  const text = renderWorkflow(githubWorkflow(project, { shards }), 'testbed.config.ts and package.json')
  expect(await workflowProblems(text)).toEqual([])
  return { project, workflow: parse(text) as Workflow, text }
}

const step = (job: Job, name: string) => job.steps.find((candidate) => candidate.name === name)
const uses = (job: Job, action: string) => job.steps.find((candidate) => candidate.uses?.startsWith(action))
const runs = (job: Job) => job.steps.flatMap((candidate) => (candidate.run ? [candidate.run] : []))

describe.concurrent('testbed ci github: the workflow', () => {
  test('the guide’s services: embedded PostgreSQL needs nothing, local Redis its package; the cache keyed by migrations and seeds; shards', async () => {
    const config = {
      services: {
        db: postgres({ migrations: 'migrations', seeds: ['tests/integration/fixtures/seed_data.sql'] }),
        cache: redis(),
      },
    }
    const { workflow } = await generate({ ...NPM, ...TEST_FOLDERS }, config, 4)
    const { unit, integration, report } = workflow.jobs as Record<string, Job>
    expect(integration?.strategy?.matrix.shard).toEqual([1, 2, 3, 4])
    expect(integration?.services).toBeUndefined()
    expect(runs(integration as Job)).toEqual([
      'npm ci',
      'sudo apt-get update && sudo apt-get install -y --no-install-recommends redis-server',
      'npx testbed test --integration --project integration --shard ${{ matrix.shard }}/4 --pass-with-no-tests --reporter=default --reporter=blob --outputFile.blob=blob-reports/blob-integration-${{ matrix.shard }}.json',
    ])
    expect(uses(integration as Job, 'actions/cache')?.with).toEqual({
      path: '${{ env.TESTBED_CACHE_DIR }}',
      key: "testbed-${{ runner.os }}-${{ hashFiles('testbed.config.ts', 'migrations/**', 'tests/integration/fixtures/seed_data.sql', 'package-lock.json') }}",
      'restore-keys': 'testbed-${{ runner.os }}-',
    })
    expect(runs(unit as Job)).toEqual([
      'npm ci',
      'npx testbed test --project unit --reporter=default --reporter=blob --outputFile.blob=blob-reports/blob-unit.json',
    ])
    expect(report?.needs).toEqual(['unit', 'integration'])
    expect(step(report as Job, 'Merge the reports and check the duration budget')?.run).toBe(
      'npx testbed test --integration --merge-reports=blob-reports --budget=strict --reporter=default --reporter=github-actions --reporter=junit --outputFile.junit=test-reports/junit.xml',
    )
    expect(uses(unit as Job, 'actions/setup-node')?.with).toEqual({ 'node-version': '22', cache: 'npm' })
  })

  test('services pinned to `external` get service containers with health checks, each on its own port', async () => {
    const config = {
      services: {
        db: postgres({ provider: 'external' }),
        'read-replica': postgres({ provider: 'external' }),
        cache: redis({ provider: 'external' }),
      },
    }
    const { workflow } = await generate({ ...NPM, ...TEST_FOLDERS }, config)
    const integration = workflow.jobs.integration as Job
    const health = (command: string) =>
      `--health-cmd "${command}" --health-interval 2s --health-timeout 5s --health-retries 30`
    const postgresContainer = (port: number) => ({
      image: 'postgres:18',
      env: { POSTGRES_PASSWORD: 'postgres' },
      ports: [`${port}:5432`],
      options: health('pg_isready -U postgres'),
    })
    expect(integration.services).toEqual({
      db: postgresContainer(5432),
      'read-replica': postgresContainer(5433),
      cache: { image: 'redis:7-alpine', ports: ['6379:6379'], options: health('redis-cli ping') },
    })
    expect(integration.env).toEqual({
      TESTBED_DB_URL: 'postgresql://postgres:postgres@localhost:5432/postgres',
      TESTBED_READ_REPLICA_URL: 'postgresql://postgres:postgres@localhost:5433/postgres',
      TESTBED_CACHE_URL: 'redis://localhost:6379',
    })
    // testbed starts no PostgreSQL of its own: nothing to cache, nothing to install.
    expect(uses(integration, 'actions/cache')).toBeUndefined()
    expect(runs(integration)[1]).toMatch(/^npx testbed test --integration/)
  })

  test('local PostgreSQL and Redis come from the runner’s Debian packages; a `url` option needs nothing', async () => {
    const config = {
      services: {
        db: postgres({ provider: 'local' }),
        cache: redis({ provider: 'local' }),
        shared: postgres({ url: 'postgresql://ci@db.example.com/app' }),
      },
    }
    const { workflow, project } = await generate({ ...NPM, ...TEST_FOLDERS }, config)
    const integration = workflow.jobs.integration as Job
    expect(step(integration, 'Install postgresql redis-server')?.run).toBe(
      'sudo apt-get update && sudo apt-get install -y --no-install-recommends postgresql redis-server',
    )
    expect(uses(integration, 'actions/cache')).toBeDefined()
    expect(integration.services).toBeUndefined()
    expect(project.services.summary).toEqual([
      'db (postgres, local): apt-get install postgresql',
      'cache (redis, local): apt-get install redis-server',
      'shared (postgres, the `url` option): the server the config names; the workflow starts none',
    ])
  })

  test('a project in a subfolder of the repository runs there, and actions get paths from the repository root', async () => {
    const files = { ...TEST_FOLDERS, 'package.json': '{}', 'package-lock.json': '{}', '.nvmrc': '24\n' }
    const { workflow, project } = await generate({ ...files, '../../.git/HEAD': '' }, null, 2, 'services/api')
    expect(project.dir).toBe('services/api')
    expect(workflow.defaults).toEqual({ run: { 'working-directory': 'services/api' } })
    const integration = workflow.jobs.integration as Job
    expect(uses(integration, 'actions/setup-node')?.with).toEqual({
      'node-version-file': 'services/api/.nvmrc',
      cache: 'npm',
      'cache-dependency-path': 'services/api/package-lock.json',
    })
    expect(uses(integration, 'actions/upload-artifact')?.with?.path).toBe('services/api/blob-reports/')
    expect(uses(integration, 'actions/cache')?.with?.key).toBe(
      "testbed-${{ runner.os }}-${{ hashFiles('services/api/package-lock.json') }}",
    )
    expect(uses(workflow.jobs.report as Job, 'actions/upload-artifact')?.with?.path).toBe(
      'services/api/test-reports/junit.xml\nservices/api/.testbed/durations.json',
    )
  })

  test('pnpm, Yarn and Bun install their own way and run testbed through their own exec', async () => {
    const pnpm = await generate(
      { 'package.json': '{ "packageManager": "pnpm@9.15.0" }', 'pnpm-lock.yaml': '', ...TEST_FOLDERS },
      null,
    )
    expect(pnpm.workflow.jobs.unit?.steps.slice(0, 4)).toEqual([
      { uses: 'actions/checkout@v4' },
      { uses: 'pnpm/action-setup@v4' },
      { uses: 'actions/setup-node@v4', with: { 'node-version': 'lts/*', cache: 'pnpm' } },
      { run: 'pnpm install --frozen-lockfile' },
    ])
    const berry = await generate({ 'package.json': '{}', 'yarn.lock': '', '.yarnrc.yml': '', ...TEST_FOLDERS }, null)
    expect(berry.workflow.jobs.unit?.steps.slice(1, 4)).toEqual([
      { uses: 'actions/setup-node@v4', with: { 'node-version': 'lts/*' } },
      { run: 'corepack enable' },
      { run: 'yarn install --immutable' },
    ])
    const bun = await generate({ 'package.json': '{}', 'bun.lock': '', ...TEST_FOLDERS }, null)
    expect(bun.workflow.jobs.unit?.steps[1]).toEqual({ uses: 'oven-sh/setup-bun@v2' })
    expect(runs(bun.workflow.jobs.unit as Job)[1]).toMatch(/^bunx testbed test --project unit /)
  })

  test('with a coverage provider among the dependencies, every job collects coverage and the report merges it', async () => {
    const manifest = '{ "devDependencies": { "@vitest/coverage-v8": "^5.1.1" } }'
    const { workflow, project } = await generate(
      { 'package.json': manifest, 'package-lock.json': '{}', ...TEST_FOLDERS },
      null,
    )
    expect(project.coverage).toBe('@vitest/coverage-v8')
    expect(runs(workflow.jobs.unit as Job)[1]).toContain(' --project unit --coverage ')
    expect(runs(workflow.jobs.integration as Job)[2]).toContain(' --project integration --coverage ')
    expect(step(workflow.jobs.report as Job, 'Merge the reports and check the duration budget')?.run).toContain(
      ' --coverage --coverage.reportsDirectory=coverage ',
    )
    expect(uses(workflow.jobs.report as Job, 'actions/upload-artifact')?.with?.path).toBe(
      'test-reports/junit.xml\ncoverage/\n.testbed/durations.json',
    )
  })

  test('a missing test folder gets no job, and the report waits only for the others', async () => {
    const { workflow } = await generate({ ...NPM, 'tests/integration/.keep': '' }, null)
    expect(Object.keys(workflow.jobs)).toEqual(['integration', 'report'])
    expect(workflow.jobs.report?.needs).toEqual(['integration'])
  })

  test('an adopted suite gets one job for all its tests, in shards, each test running once', async () => {
    const config = {
      integrationTests: { files: 'test/db', tags: ['db'] },
      services: { db: postgres(), cache: redis() },
    }
    const { workflow } = await generate({ ...NPM, 'test/db/users.test.ts': '' }, config, 3)
    expect(Object.keys(workflow.jobs)).toEqual(['tests', 'report'])
    const tests = workflow.jobs.tests as Job
    expect(tests.strategy?.matrix.shard).toEqual([1, 2, 3])
    expect(runs(tests)).toEqual([
      'npm ci',
      'sudo apt-get update && sudo apt-get install -y --no-install-recommends redis-server',
      'npx testbed test --integration --shard ${{ matrix.shard }}/3 --pass-with-no-tests --reporter=default --reporter=blob --outputFile.blob=blob-reports/blob-tests-${{ matrix.shard }}.json',
    ])
    expect(uses(tests, 'actions/cache')).toBeDefined()
    expect(workflow.jobs.report?.needs).toEqual(['tests'])
  })

  test('a unit folder whose files tag tests `integration` runs them in the unit job, with the services', async () => {
    const tagged = "test('stores a user', { tags: ['integration'] }, async () => {})\n"
    const config = { services: { cache: redis() } }
    const { workflow } = await generate({ ...NPM, ...TEST_FOLDERS, 'tests/unit/users.test.ts': tagged }, config)
    const unit = workflow.jobs.unit as Job
    expect(runs(unit)).toEqual([
      'npm ci',
      'sudo apt-get update && sudo apt-get install -y --no-install-recommends redis-server',
      'npx testbed test --integration --project unit --reporter=default --reporter=blob --outputFile.blob=blob-reports/blob-unit.json',
    ])
    // node_modules and the integration folder inside a unit folder that is the project itself are not read.
    const inside = { 'node_modules/lib/lib.test.ts': tagged, 'tests/integration/users.test.ts': tagged }
    const root = await generate(
      { ...NPM, ...inside },
      { ...config, dirs: { unit: '.', integration: 'tests/integration' } },
    )
    expect(runs(root.workflow.jobs.unit as Job)[1]).toMatch(/^npx testbed test --project unit /)
    // An untagged unit folder keeps its job without services.
    const plain = await generate(
      { ...NPM, ...TEST_FOLDERS, 'tests/unit/email.test.ts': "test('x', () => {})\n" },
      config,
    )
    expect(runs(plain.workflow.jobs.unit as Job)[1]).toMatch(/^npx testbed test --project unit /)
  })

  test('Firestore comes from Google’s setup action with Java, once for two services; `docker` needs the runner’s Docker only', async () => {
    const config = {
      services: { docs: firestore(), audit: firestore(), cache: redis({ provider: 'docker' }) },
    }
    const { workflow, project } = await generate({ ...NPM, ...TEST_FOLDERS }, config)
    const integration = workflow.jobs.integration as Job
    expect(integration.steps.filter((candidate) => candidate.name?.includes('Firestore'))).toEqual([
      {
        name: 'Set up Java for the Firestore emulator',
        uses: 'actions/setup-java@v4',
        with: { distribution: 'temurin', 'java-version': '21' },
      },
      {
        name: 'Install the Firestore emulator',
        uses: 'google-github-actions/setup-gcloud@v3',
        with: { install_components: 'cloud-firestore-emulator' },
      },
    ])
    expect(integration.services).toBeUndefined()
    expect(uses(integration, 'actions/cache')).toBeUndefined()
    expect(project.services.summary).toEqual([
      'docs (firestore, local): Java 21 (actions/setup-java) and the emulator (google-github-actions/setup-gcloud)',
      'audit (firestore, local): Java 21 (actions/setup-java) and the emulator (google-github-actions/setup-gcloud)',
      "cache (redis, docker): the runner's Docker runs redis:7",
    ])
  })

  test('a provider the runner cannot give fails, naming the service and the providers its kind has there', async () => {
    const config = { services: { docs: firestore({ provider: 'external' }) } }
    await expect(generate({ ...NPM, ...TEST_FOLDERS }, config)).rejects.toThrow(
      '[testbed] testbed ci cannot provide a service on GitHub Actions: docs (firestore, provider external).\n' +
        'On a runner its kind comes as local, docker, not as external. ' +
        "Pin the service to one of those (`provider: 'local'`), or add the service to the generated workflow by hand.\n" +
        'Read more: node_modules/testbed/docs/errors.md#testbed_ci_unsupported_service',
    )
  })

  test('a service kind without a `ci` recipe fails, naming the service', async () => {
    const search: ServiceDeclaration = { kind: 'opensearch', options: {} }
    await expect(generate({ ...NPM, ...TEST_FOLDERS }, { services: { search } })).rejects.toThrow(
      '[testbed] testbed ci cannot provide a service on GitHub Actions: search (opensearch).\n' +
        'Its kind declares no `ci` recipe, so what it needs on a runner is unknown. ' +
        'Give the service a `url` the runner reaches, or add the service to the generated workflow by hand.\n' +
        'Read more: node_modules/testbed/docs/errors.md#testbed_ci_unsupported_service',
    )
  })

  test('docs/ci.md shows the workflow exactly as generated for the guide’s project', async () => {
    const config = {
      services: {
        db: postgres({ migrations: 'migrations', seeds: ['tests/integration/fixtures/seed_data.sql'] }),
        cache: redis(),
      },
    }
    const manifest = '{ "engines": { "node": ">=22.12" }, "devDependencies": { "@vitest/coverage-v8": "^5.1.1" } }'
    const files = { 'package.json': manifest, 'package-lock.json': '{}', ...TEST_FOLDERS }
    const { text } = await generate(files, config, 4)
    const docs = readFileSync(new URL('../../docs/ci.md', import.meta.url), 'utf8')
    expect(docs).toContain(`\n\`\`\`yaml\n${text}\`\`\`\n`)
  })

  test('a project without package.json fails, saying what is read from it', () => {
    const projectDir = tempDir()
    const path = join(projectDir, 'package.json')
    expect(() => readCiProject({ config: {}, file: null, projectDir })).toThrow(
      `[testbed] Cannot read the project’s package.json: ${path}.\n` +
        'testbed ci takes the Node version, the package manager and the coverage provider from it. ' +
        'Run the command in the folder of testbed.config.ts and package.json, or pass --config.\n' +
        `  • ENOENT: no such file or directory, open '${path}'`,
    )
  })
})
