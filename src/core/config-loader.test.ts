import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { tempDir } from '../../test/test-utils/temp-dir.ts'
import { loadConfig } from './config-loader.ts'
import type { TestbedError } from './errors.ts'

const TESTBED = fileURLToPath(new URL('../public/index.ts', import.meta.url))

function configFile(lines: string[]): { dir: string; file: string } {
  const dir = tempDir()
  const file = join(dir, 'testbed.config.ts')
  writeFileSync(file, `${lines.join('\n')}\n`)
  return { dir, file }
}

async function loadError(dir: string): Promise<TestbedError> {
  return (await loadConfig(dir).then(
    () => expect.unreachable('the config loaded'),
    (error: unknown) => error,
  )) as TestbedError
}

describe.concurrent('a config that cannot be loaded is pointed at by file:line:column', () => {
  test('a syntax error names its line and column and quotes the line', async () => {
    const { dir, file } = configFile([
      `import { defineConfig, postgres } from '${TESTBED}'`,
      'export default defineConfig({',
      '  services: {',
      '    db: postgres(,',
      '  },',
      '})',
    ])
    const error = await loadError(dir)
    expect(error.code).toBe('TESTBED_CONFIG_LOAD_FAILED')
    expect(error.message).toBe(
      [
        `[testbed] Cannot load the testbed config: ${file}:4:18.`,
        "The file has a syntax error: Unexpected token ','. Correct the syntax there.",
        '  • line 4: db: postgres(,',
        'Read more: node_modules/testbed/docs/errors.md#testbed_config_load_failed',
      ].join('\n'),
    )
  })

  test('a service function used without its import is named with the import to add', async () => {
    const { dir, file } = configFile([
      `import { defineConfig } from '${TESTBED}'`,
      'export default defineConfig({',
      '  services: { db: postgres() },',
      '})',
    ])
    const error = await loadError(dir)
    expect(error.message).toBe(
      [
        `[testbed] Cannot load the testbed config: ${file}:3:19.`,
        "Importing it threw: postgres is not defined. Import it: `import { postgres } from 'testbed'`.",
        '  • line 3: services: { db: postgres() },',
        'Read more: node_modules/testbed/docs/errors.md#testbed_config_load_failed',
      ].join('\n'),
    )
  })

  test('an error thrown while the config runs names the line it was thrown at', async () => {
    const { dir, file } = configFile([
      'const shared: any = undefined',
      'export default {',
      '  services: shared.services,',
      '}',
    ])
    const error = await loadError(dir)
    expect(error.message).toBe(
      [
        `[testbed] Cannot load the testbed config: ${file}:3:20.`,
        "Importing it threw: Cannot read properties of undefined (reading 'services'). Fix the file so that it does `export default defineConfig({ … })`.",
        '  • line 3: services: shared.services,',
        'Read more: node_modules/testbed/docs/errors.md#testbed_config_load_failed',
      ].join('\n'),
    )
  })

  test("testbed's own error for a bad option keeps its words and gains the place it was made", async () => {
    const { dir, file } = configFile([
      `import { defineConfig, postgres } from '${TESTBED}'`,
      'export default defineConfig({',
      "  services: { db: postgres({ migration: 'migrations' }) },",
      '})',
    ])
    const error = await loadError(dir)
    expect(error.code).toBe('TESTBED_CONFIG_INVALID')
    expect(error.message).toBe(
      [
        '[testbed] Unknown option in postgres(): `migration`.',
        'postgres() accepts `provider`, `port`, `settings`, `durable`, `startTimeout`, `url`, `image`, `migrations`, `seeds`, `rows`, `fixtures`. Remove the option or correct its spelling.',
        `  • at ${file}:3:39: services: { db: postgres({ migration: 'migrations' }) },`,
        'Read more: node_modules/testbed/docs/errors.md#testbed_config_invalid',
      ].join('\n'),
    )
  })

  test('a file without a default export says so', async () => {
    const { dir, file } = configFile(['export const services = {}'])
    const error = await loadError(dir)
    expect(error.message).toBe(
      [
        `[testbed] Cannot load the testbed config: ${file}.`,
        'The file could not be used: it has no default export of a config object. Fix the file so that it does `export default defineConfig({ … })`.',
        'Read more: node_modules/testbed/docs/errors.md#testbed_config_load_failed',
      ].join('\n'),
    )
  })
})
