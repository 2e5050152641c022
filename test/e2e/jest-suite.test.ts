// A Jest suite that never heard of testbed (its own layout, global it/beforeEach, a module-level
// pool from DATABASE_URL, a pool per describe, a CLI subprocess, pools never ended) runs isolated
// with only jest.config and testbed.config.ts changed, on Jest 30 and on Jest 29.
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { installedTestbed } from '../test-utils/installed-testbed.ts'
import { type CliResult, spawnProcess } from '../test-utils/run-cli.ts'
import { vitestProject } from '../test-utils/vitest-project.ts'

const ISOLATIONS = ['transaction', 'database', 'reset'] as const

function config(isolation: string): string {
  return `import { defineConfig, postgres } from 'testbed'\n\nexport default defineConfig({ isolation: '${isolation}', services: { db: postgres({ migrations: 'migrations' }) } })\n`
}

type JestVersion = 29 | 30

// Jest 29 is installed under aliases (devDependencies `jest-29`, `jest-environment-node-29`).
const JEST_PACKAGE = { 29: 'jest-29', 30: 'jest' } as const

/**
 * A copy of the fixture run by Jest `version`: for 29, the project gets its own
 * `node_modules/jest-environment-node` (29), as a suite on Jest 29 has, for testbed's environment
 * to load.
 */
function jestProject(name: string, version: JestVersion, isolation: string) {
  const project = vitestProject(name, { 'testbed.config.ts': config(isolation) }, 'jest-project')
  if (version === 29) {
    for (const alias of ['jest-29', 'jest-environment-node-29']) expect(installedVersion(alias)).toMatch(/^29\./)
    mkdirSync(join(project.dir, 'node_modules'))
    symlinkSync(
      join(installedTestbed(), 'node_modules', 'jest-environment-node-29'),
      join(project.dir, 'node_modules', 'jest-environment-node'),
    )
  }
  return project
}

function installedVersion(name: string): string {
  return JSON.parse(readFileSync(join(installedTestbed(), 'node_modules', name, 'package.json'), 'utf8')).version
}

function jest(dir: string, options: { esm?: boolean; version?: JestVersion } = {}): Promise<CliResult> {
  const bin = join(installedTestbed(), 'node_modules', JEST_PACKAGE[options.version ?? 30], 'bin', 'jest.js')
  const node = options.esm ? ['--experimental-vm-modules', '--no-warnings'] : []
  return spawnProcess(process.execPath, [...node, bin, '--ci'], {
    cwd: dir,
    env: { TESTBED_CACHE_DIR: join(dir, '.testbed-cache'), NO_COLOR: '1' },
  }).exited
}

function expectPassed(result: CliResult, tests: number): void {
  expect(result.stderr, result.stderr).toMatch(new RegExp(`Tests:\\s+${tests} passed, ${tests} total`))
  expect(result.code).toBe(0)
}

const ESM = {
  'package.json': JSON.stringify({ name: 'jest-suite-esm', private: true, type: 'module' }),
  'jest.config.cjs': null,
  'jest.config.js': `export default {
  testMatch: ['<rootDir>/test/**/*Test.js'],
  globalSetup: 'testbed/jest/global-setup',
  globalTeardown: 'testbed/jest/global-teardown',
  testEnvironment: 'testbed/jest/environment',
}
`,
  'test/db.js': `import pg from 'pg'

export const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 4 })
export const count = async (client) => (await client.query('SELECT count(*)::int AS n FROM users')).rows[0].n
`,
  'test/users/usersTest.js': `import pg from 'pg'
import { count, pool } from '../db.js'

beforeEach(async () => {
  await pool.query("INSERT INTO users (email) VALUES ('each@example.com')")
})

describe('users', () => {
  const perDescribe = new pg.Pool()

  it('writes through the module-level pool and reads through another', async () => {
    await pool.query("INSERT INTO users (email) VALUES ('a@example.com')")
    expect(await count(perDescribe)).toBe(3)
  })

  it('starts from the template and beforeEach alone', async () => {
    expect(await count(pool)).toBe(2)
  })
})
`,
  'test/cli': null,
}

describe.concurrent('a Jest suite with testbed in its config only', () => {
  for (const version of [30, 29] as const) {
    for (const isolation of ISOLATIONS) {
      test(`Jest ${version}, CommonJS, isolation ${isolation}`, async () => {
        const project = jestProject(`jest${version}-cjs-${isolation}`, version, isolation)
        expectPassed(await jest(project.dir, { version }), 4)
      }, 180_000)
    }

    test(`Jest ${version}, ESM (--experimental-vm-modules), isolation transaction`, async () => {
      const project = jestProject(`jest${version}-esm`, version, 'transaction')
      project.write({ 'test/cli/cliTest.js': null })
      project.write(Object.fromEntries(Object.entries(ESM).filter(([path]) => path !== 'test/cli')))
      expectPassed(await jest(project.dir, { esm: true, version }), 2)
    }, 180_000)
  }

  test('a statement transaction cannot run fails its test naming it; the next run gives it a database and says so', async () => {
    const project = vitestProject('jest-escalation', { 'testbed.config.ts': config('transaction') }, 'jest-project')
    project.write({
      'test/stats/vacuumTest.js': `const { pool } = require('../db')

test('vacuums the users table', async () => {
  await pool.query('VACUUM users')
})
`,
    })
    const first = await jest(project.dir)
    expect(first.code).toBe(1)
    expect(first.stderr).toContain("[testbed] Cannot run VACUUM under isolation 'transaction': `VACUUM users`.")
    expect(first.stderr).toContain(
      `testbed remembers this test in ${project.dir}/.testbed/isolation-escalations.jsonl: from the next run on it gets a database of its own (isolation 'database'), and says so`,
    )
    expect(first.stderr).toMatch(/Tests:\s+1 failed, 4 passed, 5 total/)
    const second = await jest(project.dir)
    expect(second.stderr).toContain(
      `${project.dir}/test/stats/vacuumTest.js > vacuums the users table runs under isolation 'database': on an earlier run it sent VACUUM, which cannot run inside the test's transaction`,
    )
    expectPassed(second, 5)
  }, 180_000)
})
