import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { createdTables } from './find-migrations.ts'
import { addScripts, wantedScripts } from './package-scripts.ts'
import { detectProject } from './project-facts.ts'
import { addPluginToVitestConfig } from './vitest-config-edit.ts'

const dir = mkdtempSync(join(tmpdir(), 'testbed-init-unit-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('createdTables', () => {
  test('finds the public tables the SQL creates, in any quoting, and forgets those it drops', () => {
    const sql = [
      'CREATE TABLE users (id serial);',
      'create table if not exists public.Orders (id serial);',
      'CREATE UNLOGGED TABLE "Audit Log" (id int);',
      'CREATE TABLE billing.invoices (id int);',
      '-- CREATE TABLE commented_out (id int);',
      'CREATE TABLE scratch (id int); DROP TABLE IF EXISTS scratch;',
    ].join('\n')
    expect(createdTables(sql)).toEqual(['Audit Log', 'orders', 'users'])
  })
})

describe('addPluginToVitestConfig', () => {
  test('adds the import after the last import and testbed() first in plugins', () => {
    const text =
      "import react from '@vitejs/plugin-react'\nimport { defineConfig } from 'vitest/config'\n\nexport default defineConfig({ plugins: [react()] })\n"
    expect(addPluginToVitestConfig(text)).toBe(
      "import react from '@vitejs/plugin-react'\nimport { defineConfig } from 'vitest/config'\nimport { testbed } from 'testbed/vitest/config'\n\nexport default defineConfig({ plugins: [testbed(), react()] })\n",
    )
  })

  test('opens the config object with a plugins entry when there is none; leaves a config that has the plugin alone', () => {
    const text = "import {\n  defineConfig,\n} from 'vitest/config'\nexport default defineConfig({ test: {} })\n"
    const edited = addPluginToVitestConfig(text)
    expect(edited).toBe(
      "import {\n  defineConfig,\n} from 'vitest/config'\nimport { testbed } from 'testbed/vitest/config'\nexport default defineConfig({\n  plugins: [testbed()], test: {} })\n",
    )
    expect(addPluginToVitestConfig(edited as string)).toBe(edited)
  })

  test('refuses a shape it does not know', () => {
    expect(addPluginToVitestConfig("module.exports = require('./base')\n")).toBeNull()
  })
})

describe('the npm scripts', () => {
  test('take `test` when it is npm’s placeholder or missing, and `test:unit` beside a real one', () => {
    expect(wantedScripts({ test: 'echo "Error: no test specified" && exit 1' })).toEqual({
      test: 'testbed test',
      'test:integration': 'testbed test --integration',
    })
    expect(wantedScripts({ test: 'vitest run' })).toEqual({
      'test:unit': 'testbed test',
      'test:integration': 'testbed test --integration',
    })
  })

  test('are added with the file’s indentation; one the user set is kept unless forced', () => {
    const packageJson = {
      data: { name: 'x', scripts: { test: 'vitest run', 'test:integration': 'mine' } },
      indent: '\t',
    }
    expect(addScripts(packageJson, false)).toEqual({
      added: ['test:unit'],
      text: '{\n\t"name": "x",\n\t"scripts": {\n\t\t"test": "vitest run",\n\t\t"test:integration": "mine",\n\t\t"test:unit": "testbed test"\n\t}\n}\n',
    })
    expect(addScripts(packageJson, true).added).toEqual(['test:unit', 'test:integration'])
  })
})

test('a package.json that is not JSON is named, with what the parser said', () => {
  writeFileSync(join(dir, 'package.json'), '{ "name": "x", }')
  const parserSays = (() => {
    try {
      JSON.parse('{ "name": "x", }')
      return ''
    } catch (error) {
      return (error as Error).message
    }
  })()
  expect(() => detectProject(dir)).toThrow(
    `[testbed] \`testbed init\` cannot read package.json: ${join(dir, 'package.json')}.\n` +
      `It is not valid JSON: ${parserSays}. Correct the file (\`npm pkg get\` shows what npm makes of it), then run \`testbed init\` again.`,
  )
})
