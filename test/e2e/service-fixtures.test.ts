import { expect, test } from 'vitest'
import { expectPassed, RESULTS, vitestProject } from '../test-utils/vitest-project.ts'

// Two services of one kind: each gets its own isolated state per test, reached by its name.
const CONFIG = [
  "import { defineConfig, postgres } from 'testbed'",
  'export default defineConfig({',
  '  services: {',
  "    db: postgres({ migrations: 'migrations', seeds: ['seed.sql'] }),",
  "    analytics: postgres({ migrations: 'migrations' }),",
  '  },',
  '})',
  '',
].join('\n')

const TESTS = [
  "import type { IsolatedDatabase } from 'testbed/vitest'",
  "import { expect, test } from 'testbed/vitest'",
  'const emails = async (database: IsolatedDatabase) =>',
  "  (await database.query('SELECT email FROM users ORDER BY email')).rows.map((row) => row.email)",
  "test('a second PostgreSQL service gets an isolated database of its own, by name', async ({ db, isolated }) => {",
  "  const analytics = await isolated<IsolatedDatabase>('analytics')",
  '  expect(new URL(analytics.url).port).not.toBe(new URL(db.url).port)',
  "  expect(await isolated('db')).toBe(db)",
  '  await analytics.query("INSERT INTO users (email) VALUES (\'copied@example.com\')")',
  "  expect(await emails(analytics)).toEqual(['copied@example.com'])",
  "  expect(await emails(db)).toEqual(['seed@example.com'])",
  '})',
  "test('the next test finds both as they started', async ({ db, isolated }) => {",
  "  expect(await emails(await isolated<IsolatedDatabase>('analytics'))).toEqual([])",
  "  expect(await emails(db)).toEqual(['seed@example.com'])",
  '})',
  "test('a name the config does not declare fails, naming the services there are', async ({ isolated }) => {",
  "  await expect(async () => isolated('reports')).rejects.toThrow('The `isolated` fixture has no service of that name: \"reports\".')",
  '})',
  '',
].join('\n')

test('each of two PostgreSQL services gets its own isolated database per test, reachable by name', async () => {
  const project = vitestProject(
    'two-postgres',
    {
      'testbed.config.ts': CONFIG,
      'tests/integration/two-databases.test.ts': TESTS,
    },
    'isolation-project',
  )
  const result = await project.testbed(['test', '--integration', 'tests/integration/two-databases.test.ts', ...RESULTS])
  expectPassed(result)
  expect(project.results()).toEqual({
    'a second PostgreSQL service gets an isolated database of its own, by name': 'passed',
    'the next test finds both as they started': 'passed',
    'a name the config does not declare fails, naming the services there are': 'passed',
  })
})
