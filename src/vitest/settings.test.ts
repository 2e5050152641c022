import { afterEach, describe, expect, test, vi } from 'vitest'
import { mergeTags, resolveSettings } from './settings.ts'

afterEach(() => {
  vi.unstubAllEnvs()
})

describe('resolveSettings', () => {
  test('fills in the guide’s defaults: transaction isolation, 300 s integration timeout, tests/unit and tests/integration', () => {
    vi.stubEnv('TESTBED_INTEGRATION', '')
    vi.stubEnv('TESTBED_BUDGET', '')
    expect(resolveSettings({}, '/project', null)).toEqual({
      projectDir: '/project',
      configFile: null,
      isolation: 'transaction',
      leakCheck: true,
      keepOnFailure: false,
      openConnections: 'defer',
      openConnectionsTimeoutMs: 5000,
      unhandledHttp: 'error',
      timeoutMs: 300_000,
      slowThresholdMs: 1000,
      budgetMs: {},
      budgetMode: 'warn',
      tags: [
        { name: 'unit', description: 'Unit tests (fast, isolated)' },
        { name: 'integration', description: 'Integration tests (slower, external deps)' },
        { name: 'slow', description: 'Slow-running tests' },
      ],
      dirs: { unit: 'tests/unit', integration: 'tests/integration' },
      integrationTests: null,
      integrationTags: ['integration'],
      integration: false,
    })
  })

  test('integrationTests by files and tags: folders become globs, the tags count as integration and are declared', () => {
    const settings = resolveSettings(
      {
        integrationTests: { files: 'test/db/', tags: ['pg', 'integration'] },
        tags: [{ name: 'pg', description: 'Talks to PostgreSQL' }],
      },
      '/project',
      null,
    )
    expect(settings.integrationTests).toEqual(['test/db/**'])
    expect(settings.integrationTags).toEqual(['integration', 'pg'])
    expect(settings.tags.map((tag) => [tag.name, tag.description])).toEqual([
      ['unit', 'Unit tests (fast, isolated)'],
      ['integration', 'Integration tests (slower, external deps)'],
      ['slow', 'Slow-running tests'],
      ['pg', 'Talks to PostgreSQL'],
    ])
    expect(resolveSettings({ integrationTests: { tags: ['db'] } }, '/project', null)).toMatchObject({
      integrationTests: [],
      integrationTags: ['integration', 'db'],
      tags: expect.arrayContaining([
        { name: 'db', description: 'Integration tests (chosen by integrationTests.tags)' },
      ]),
    })
  })

  test('reads durations, folders and the switches testbed test sets', () => {
    vi.stubEnv('TESTBED_INTEGRATION', '1')
    vi.stubEnv('TESTBED_BUDGET', 'strict')
    const settings = resolveSettings(
      { timeout: '45s', slowThreshold: 250, budget: { integration: '5m' }, dirs: { unit: 'test/unit' } },
      '/project',
      '/project/testbed.config.ts',
    )
    expect(settings).toMatchObject({
      timeoutMs: 45_000,
      slowThresholdMs: 250,
      budgetMs: { integration: 300_000 },
      budgetMode: 'strict',
      dirs: { unit: 'test/unit', integration: 'tests/integration' },
      integration: true,
    })
  })

  test('rejects an unknown TESTBED_BUDGET', () => {
    vi.stubEnv('TESTBED_BUDGET', 'hard')
    expect(() => resolveSettings({}, '/project', null)).toThrow(
      '[testbed] Invalid environment variable: TESTBED_BUDGET=hard.\n' +
        'TESTBED_BUDGET is `warn` (over budget prints a warning) or `strict` (over budget fails the run). Set it to one of those, or unset it.',
    )
  })

  test.for([
    ['1', true],
    ['true', true],
    ['0', false],
    ['false', false],
    ['', false],
  ] as const)('TESTBED_INTEGRATION=%j turns integration tests on: %s', ([value, on]) => {
    vi.stubEnv('TESTBED_INTEGRATION', value)
    expect(resolveSettings({}, '/project', null).integration).toBe(on)
  })
})

describe('mergeTags', () => {
  test('adds the user’s tags after the built-in ones, and merges a redeclared built-in', () => {
    expect(mergeTags(['smoke', { name: 'slow', timeout: 60_000 }])).toEqual([
      { name: 'unit', description: 'Unit tests (fast, isolated)' },
      { name: 'integration', description: 'Integration tests (slower, external deps)' },
      { name: 'slow', description: 'Slow-running tests', timeout: 60_000 },
      { name: 'smoke' },
    ])
  })
})
