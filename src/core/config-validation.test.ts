import { describe, expect, test } from 'vitest'
import type { TestbedConfig } from './config.ts'
import { validateConfig } from './config-validation.ts'

const invalid = (config: unknown) => () => validateConfig(config as TestbedConfig)

describe('validateConfig', () => {
  test('accepts every option the Vitest integration reads', () => {
    expect(
      invalid({
        isolation: 'database',
        leakCheck: false,
        keepOnFailure: true,
        unhandledHttp: 'warn',
        timeout: '45s',
        slowThreshold: 500,
        budget: { integration: '5m', unit: '30s', total: '6m' },
        tags: ['smoke', { name: 'payments', description: 'Talks to the sandbox', timeout: 60_000, retry: 2 }],
        dirs: { unit: 'test/unit', integration: 'test/integration' },
      }),
    ).not.toThrow()
  })

  test('rejects a budget that is not a duration, naming the option and the value', () => {
    expect(invalid({ budget: { integration: 'five minutes' } })).toThrow(
      '[testbed] Invalid option in testbed.config.ts: `budget.integration`.\n' +
        "Expected the `budget.integration` option to be a duration such as `'300ms'`, `'45s'` or `'5m'`, or a number of milliseconds, got `five minutes` (string). " +
        'Fix `budget.integration` in testbed.config.ts, or remove it to use the default.',
    )
  })

  test('rejects an unknown budget kind, listing the known ones', () => {
    expect(invalid({ budget: { integraton: '5m' } })).toThrow(
      '[testbed] Unknown option in testbed.config.ts `budget`: `integraton`.\n' +
        'testbed.config.ts `budget` accepts `unit`, `integration`, `total`. Remove the option or correct its spelling.',
    )
  })

  test('rejects an unknown isolation strategy and a zero timeout', () => {
    expect(invalid({ isolation: 'savepoint' })).toThrow(
      'Expected the `isolation` option to be one of `transaction`, `database`, `reset`, got `savepoint` (string).',
    )
    expect(invalid({ timeout: '0s' })).toThrow('Invalid option in testbed.config.ts: `timeout`.')
  })

  test('rejects a leakCheck that is not true or false', () => {
    expect(invalid({ leakCheck: 'ci' })).toThrow(
      '[testbed] Invalid option in testbed.config.ts: `leakCheck`.\n' +
        'Expected the `leakCheck` option to be true or false, got `ci` (string). ' +
        'Fix `leakCheck` in testbed.config.ts, or remove it to use the default.',
    )
  })

  test('rejects a keepOnFailure that is not true or false', () => {
    expect(invalid({ keepOnFailure: 'yes' })).toThrow(
      '[testbed] Invalid option in testbed.config.ts: `keepOnFailure`.\n' +
        'Expected the `keepOnFailure` option to be true or false, got `yes` (string). ' +
        'Fix `keepOnFailure` in testbed.config.ts, or remove it to use the default.',
    )
  })

  test('rejects an unknown unhandledHttp policy, listing the known ones', () => {
    expect(invalid({ unhandledHttp: 'allow' })).toThrow(
      '[testbed] Invalid option in testbed.config.ts: `unhandledHttp`.\n' +
        'Expected the `unhandledHttp` option to be one of `error`, `warn`, `bypass`, got `allow` (string). ' +
        'Fix `unhandledHttp` in testbed.config.ts, or remove it to use the default.',
    )
  })

  test('rejects a tag name that Vitest’s tag filter would read as an operator or split', () => {
    expect(invalid({ tags: ['not'] })).toThrow(
      '[testbed] Invalid option in testbed.config.ts: `tags[0].name`.\n' +
        'Expected the `tags[0].name` option to be a tag name (letters, digits and `_-/.:`, not `and`, `or` or `not`), got `not` (string).',
    )
    expect(invalid({ tags: [{ name: 'db slow' }] })).toThrow('`tags[0].name`')
    expect(invalid({ tags: [{ name: 'db', skip: true }] })).toThrow(
      '[testbed] Unknown option in testbed.config.ts `tags[0]`: `skip`.',
    )
  })

  test('accepts integrationTests as globs, folders, or files and tags together', () => {
    for (const integrationTests of [
      'test/db',
      ['test/**/*Test.ts'],
      { tags: ['db'] },
      { files: 'test/db', tags: ['pg'] },
    ]) {
      expect(invalid({ integrationTests })).not.toThrow()
    }
  })

  test('rejects integrationTests that names neither files nor tags, with the full message', () => {
    expect(invalid({ integrationTests: {} })).toThrow(
      '[testbed] Invalid option in testbed.config.ts: `integrationTests`.\n' +
        "Expected the `integrationTests` option to be `files`, `tags` or both, such as `{ tags: ['db'] }`, got `{}` (object). " +
        'Fix `integrationTests` in testbed.config.ts, or remove it to use the default.\n' +
        'Read more: node_modules/testbed/docs/errors.md#testbed_config_invalid',
    )
  })

  test('rejects integration tags that are not tag names, are empty, or say unit', () => {
    const message = (value: string) =>
      '[testbed] Invalid option in testbed.config.ts: `integrationTests.tags`.\n' +
      "Expected the `integrationTests.tags` option to be a non-empty array of tag names (letters, digits and `_-/.:`, not `unit`, `and`, `or` or `not`), such as `['db']`, " +
      `got ${value}. Fix \`integrationTests.tags\` in testbed.config.ts, or remove it to use the default.\n` +
      'Read more: node_modules/testbed/docs/errors.md#testbed_config_invalid'
    expect(invalid({ integrationTests: { tags: ['unit'] } })).toThrow(message('`["unit"]` (array)'))
    expect(invalid({ integrationTests: { tags: [] } })).toThrow(message('`[]` (array)'))
    expect(invalid({ integrationTests: { tags: 'db' } })).toThrow(message('`db` (string)'))
    expect(invalid({ integrationTests: { tags: ['db slow'] } })).toThrow(message('`["db slow"]` (array)'))
  })

  test('rejects integrationTests files that are not globs, and unknown keys in it', () => {
    expect(invalid({ integrationTests: { files: [''] } })).toThrow(
      'Expected the `integrationTests.files` option to be a glob or folder, or an array of them, such as `[\'test/**/*Test.ts\']`, got `[""]` (array).',
    )
    expect(invalid({ integrationTests: 42 })).toThrow(
      "Expected the `integrationTests` option to be a glob or folder, or an array of them, such as `['test/**/*Test.ts']`, or `{ files, tags }`, got `42` (number).",
    )
    expect(invalid({ integrationTests: { tag: ['db'] } })).toThrow(
      '[testbed] Unknown option in testbed.config.ts `integrationTests`: `tag`.',
    )
  })

  test('rejects an unknown top-level option and the same folder for both projects', () => {
    expect(invalid({ isolaton: 'reset' })).toThrow('[testbed] Unknown option in testbed.config.ts: `isolaton`.')
    expect(invalid({ dirs: { unit: 'tests', integration: 'tests' } })).toThrow(
      'Expected the `dirs.integration` option to be a folder other than `dirs.unit`, got `tests` (string).',
    )
  })
})
