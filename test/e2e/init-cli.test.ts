// `testbed init` in existing projects of several stacks (test/fixtures/init-project/<stack>), then
// `testbed test --integration` with no edit, as a user would run them.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, test } from 'vitest'
import { expectPassed, RESULTS, type VitestProject, vitestProject } from '../test-utils/vitest-project.ts'

/** Every file of the project but what runs leave behind, with its text. */
function snapshot(project: VitestProject): Record<string, string> {
  const files: Record<string, string> = {}
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (['.testbed', '.testbed-cache', '.results.json', 'node_modules'].includes(name)) continue
      const path = join(dir, name)
      if (statSync(path).isDirectory()) walk(path)
      else files[relative(project.dir, path)] = readFileSync(path, 'utf8')
    }
  }
  walk(project.dir)
  return files
}

function lines(...text: string[]): string {
  return `${text.join('\n')}\n`
}

/** Inits the stack's project, checks what init said, then runs its whole suite. */
async function initAndRun(
  stack: string,
  expectedInit: (dir: string) => string,
  expectedResults: Record<string, string>,
) {
  const project = vitestProject(`init-${stack}`, {}, `init-project/${stack}`)
  const init = await project.testbed(['init'])
  expect(init.stdout).toBe(expectedInit(project.dir))
  expect(init.code).toBe(0)
  const run = await project.testbed(['test', '--integration', ...RESULTS])
  expectPassed(run)
  expect(project.results()).toEqual(expectedResults)
  return project
}

// Two runs (two PostgreSQL servers) at a time: the tests of a block side by side, blocks one after another.
describe.concurrent('testbed init, then testbed test --integration with no edit', () => {
  test('Express + pg, JavaScript (CommonJS), SQL migrations, ioredis', async () => {
    const project = await initAndRun(
      'express-pg',
      (dir) =>
        lines(
          `testbed init — ${dir}`,
          'Found: npm, JavaScript (CommonJS), Express, PostgreSQL through pg with migrations in migrations/ (2 SQL files), Redis through ioredis',
          '  wrote   testbed.config.mjs',
          '  wrote   vitest.config.mjs',
          '  wrote   tests/unit/example.test.mjs',
          '  wrote   tests/integration/example.test.mjs',
          '  updated package.json (scripts test, test:integration)',
          '  updated .gitignore (ignores .testbed/report/)',
          'Next:',
          '  npm install --save-dev testbed',
          '  npx testbed install --with-deps    # the system packages the services need (redis-server, …)',
          '  npm test    # unit tests',
          '  npm run test:integration    # unit and integration tests, against real services',
        ),
      {
        'adds up': 'passed',
        'each test gets a Redis database of its own, emptied after it': 'passed',
        'the test database has the tables of migrations/': 'passed',
      },
    )
    expect(JSON.parse(project.read('package.json')).scripts).toEqual({
      start: 'node src/server.js',
      test: 'testbed test',
      'test:integration': 'testbed test --integration',
    })
    expect(project.read('tests/integration/example.test.mjs')).toContain(
      "expect(rows.map((row) => row.tablename)).toEqual(expect.arrayContaining(['orders', 'users']))",
    )
  })

  test('Fastify + Drizzle, TypeScript, the drizzle/ folder of drizzle.config.ts, an existing vitest.config.ts', async () => {
    const project = await initAndRun(
      'fastify-drizzle',
      (dir) =>
        lines(
          `testbed init — ${dir}`,
          'Found: pnpm, TypeScript, Fastify, PostgreSQL through Drizzle with migrations in drizzle/ (1 SQL file), no Redis client',
          '  wrote   testbed.config.ts',
          '  updated vitest.config.ts (added the testbed() plugin)',
          '  wrote   tests/unit/example.test.ts',
          '  wrote   tests/integration/example.test.ts',
          '  updated package.json (scripts test:unit, test:integration)',
          'Next:',
          '  pnpm add -D testbed',
          '  pnpm exec testbed install --with-deps    # the system packages the services need (redis-server, …)',
          '  pnpm test:unit    # unit tests',
          '  pnpm test:integration    # unit and integration tests, against real services',
        ),
      { 'adds up': 'passed', 'the test database has the tables of drizzle/': 'passed' },
    )
    expect(project.read('vitest.config.ts')).toBe(
      lines(
        "import { defineConfig } from 'vitest/config'",
        "import { testbed } from 'testbed/vitest/config'",
        '',
        'export default defineConfig({',
        '  plugins: [testbed()],',
        '  test: {',
        "    environment: 'node',",
        '  },',
        '})',
      ),
    )
  })
})

describe.concurrent('testbed init, then testbed test --integration with no edit (2)', () => {
  test('Hono + Kysely, TypeScript, db/migrations, a vitest.config.mts with an empty plugins list', async () => {
    const project = await initAndRun(
      'hono-kysely',
      (dir) =>
        lines(
          `testbed init — ${dir}`,
          'Found: yarn, TypeScript, Hono, PostgreSQL through Kysely with migrations in db/migrations/ (1 SQL file), no Redis client',
          '  wrote   testbed.config.ts',
          '  updated vitest.config.mts (added the testbed() plugin)',
          '  wrote   tests/unit/example.test.ts',
          '  wrote   tests/integration/example.test.ts',
          '  updated package.json (scripts test:unit, test:integration)',
          'Next:',
          '  yarn add -D testbed',
          '  yarn testbed install --with-deps    # the system packages the services need (redis-server, …)',
          '  yarn test:unit    # unit tests',
          '  yarn test:integration    # unit and integration tests, against real services',
        ),
      { 'adds up': 'passed', 'the test database has the tables of db/migrations/': 'passed' },
    )
    expect(project.read('tests/integration/example.test.ts')).toContain(
      'new Kysely<Record<string, never>>({ dialect: new PostgresDialect({ pool: db.pool }) })',
    )
  })

  test('Prisma 7, TypeScript, prisma/migrations/<timestamp>_<name>/migration.sql with quoted table names', async () => {
    const project = await initAndRun(
      'prisma',
      (dir) =>
        lines(
          `testbed init — ${dir}`,
          'Found: npm, TypeScript, Express, PostgreSQL through Prisma with migrations in prisma/migrations/ (2 SQL files), no Redis client',
          '  wrote   testbed.config.ts',
          '  wrote   vitest.config.ts',
          '  wrote   tests/unit/example.test.ts',
          '  wrote   tests/integration/example.test.ts',
          '  updated package.json (scripts test, test:integration)',
          'Next:',
          '  npm install --save-dev testbed',
          '  npx testbed install --with-deps    # the system packages the services need (redis-server, …)',
          '  npm test    # unit tests',
          '  npm run test:integration    # unit and integration tests, against real services',
        ),
      { 'adds up': 'passed', 'the test database has the tables of prisma/migrations/': 'passed' },
    )
    expect(project.read('testbed.config.ts')).toContain("db: postgres({ migrations: 'prisma/migrations' }),")
    expect(project.read('tests/integration/example.test.ts')).toContain("expect.arrayContaining(['Post', 'User'])")
  })
})

describe('testbed init run again', () => {
  test('changes nothing and says so; keeps a file the user edited unless --force', async () => {
    const project = vitestProject('init-again', {}, 'init-project/hono-kysely')
    expect((await project.testbed(['init'])).code).toBe(0)
    const first = snapshot(project)
    const again = await project.testbed(['init'])
    expect(again.stdout.split('\n').slice(2, 7)).toEqual([
      '  has     testbed.config.ts',
      '  has     vitest.config.mts (the testbed() plugin)',
      '  has     tests/unit/example.test.ts',
      '  has     tests/integration/example.test.ts',
      '  has     package.json (the test scripts)',
    ])
    expect(snapshot(project)).toEqual(first)

    project.write({ 'tests/unit/example.test.ts': '// mine\n' })
    const kept = await project.testbed(['init'])
    expect(kept.stdout).toContain('\n  kept    tests/unit/example.test.ts (it exists; --force overwrites it)\n')
    expect(project.read('tests/unit/example.test.ts')).toBe('// mine\n')
    const forced = await project.testbed(['init', '--force'])
    expect(forced.stdout).toContain('\n  updated tests/unit/example.test.ts\n')
    expect(snapshot(project)).toEqual(first)
  })

  test('outside a project, and with a vitest config it cannot edit, says what to do', async () => {
    const empty = vitestProject('init-empty', {})
    empty.write({ 'package.json': null })
    const none = await empty.testbed(['init'])
    expect(none.stderr).toBe(
      lines(
        `[testbed] \`testbed init\` found no package.json: ${empty.dir}.`,
        'It sets up an existing project, and reads package.json to see what the project uses. Run it in the project’s root folder, or create the project first with `npm init -y`.',
        'Read more: node_modules/testbed/docs/errors.md#testbed_init_no_package_json',
      ),
    )
    expect(none.code).toBe(1)
    const odd = vitestProject('init-odd-config', {
      'vitest.config.js': 'module.exports = require("./shared-config")\n',
    })
    const refused = await odd.testbed(['init'])
    expect(refused.stderr).toBe(
      lines(
        `[testbed] \`testbed init\` cannot add the testbed() plugin: ${odd.dir}/vitest.config.js.`,
        "The file has no `defineConfig({ … })` or `export default { … }` with ES imports that testbed knows how to edit. Add it yourself: `import { testbed } from 'testbed/vitest/config'` at the top, and `testbed()` to the config's `plugins` array.",
        'Read more: node_modules/testbed/docs/errors.md#testbed_init_vitest_config',
      ),
    )
  })
})
