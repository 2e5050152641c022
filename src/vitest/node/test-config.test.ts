import { describe, expect, test } from 'vitest'
import { resolveSettings, type TestbedSettings } from '../settings.ts'
import { testConfig } from './test-config.ts'

const FILES = {
  globalSetup: '/testbed/global-setup.js',
  tagFile: '/testbed/tag-file.js',
  networkGuardFile: '/testbed/network-guard-file.js',
  reportFile: '/testbed/report-file.js',
  endpointFile: '/testbed/endpoint-file.js',
}

function settings(overrides: Partial<TestbedSettings> = {}): TestbedSettings {
  return { ...resolveSettings({}, '/project', null), integration: false, ...overrides }
}

describe('testConfig', () => {
  test('declares the tags strictly; integration tests get the integration timeout and are skipped while integration is off', () => {
    const config = testConfig(settings(), FILES)
    expect(config.strictTags).toBe(true)
    expect(config.tags).toEqual([
      { name: 'unit', description: 'Unit tests (fast, isolated)' },
      { name: 'integration', description: 'Integration tests (slower, external deps)', timeout: 300_000, skip: true },
      { name: 'slow', description: 'Slow-running tests' },
    ])
    expect(testConfig(settings({ integration: true }), FILES).tags[1]).toEqual({
      name: 'integration',
      description: 'Integration tests (slower, external deps)',
      timeout: 300_000,
    })
  })

  test('makes the projects unit and integration from the folders; integration gets the timeout for tests and hooks', () => {
    const config = testConfig(settings({ timeoutMs: 45_000 }), FILES)
    expect(config.globalSetup).toEqual(['/testbed/global-setup.js'])
    expect('projects' in config && config.projects).toEqual([
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.{test,spec}.?(c|m)[jt]s?(x)'],
          exclude: ['**/node_modules/**', '**/.git/**'],
          setupFiles: ['/testbed/tag-file.js', '/testbed/network-guard-file.js', '/testbed/report-file.js'],
          provide: { 'testbed:tag': 'unit' },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.{test,spec}.?(c|m)[jt]s?(x)'],
          exclude: ['**/node_modules/**', '**/.git/**'],
          setupFiles: [
            '/testbed/tag-file.js',
            '/testbed/network-guard-file.js',
            '/testbed/report-file.js',
            '/testbed/endpoint-file.js',
          ],
          provide: { 'testbed:tag': 'integration' },
          testTimeout: 45_000,
          hookTimeout: 45_000,
        },
      },
    ])
  })

  test('leaves the integration folder out of the unit project when it lies inside the unit folder', () => {
    const config = testConfig(settings({ dirs: { unit: 'tests', integration: 'tests/integration' } }), FILES)
    expect('projects' in config && config.projects[0]?.test.exclude).toEqual([
      '**/node_modules/**',
      '**/.git/**',
      'tests/integration/**',
    ])
  })

  test('the tags of integrationTests.tags get what integration gets: the timeout, and skipped while integration is off', () => {
    const resolved = resolveSettings({ integrationTests: { tags: ['db'] } }, '/project', null)
    const config = testConfig({ ...resolved, integration: false }, FILES)
    expect(config.tags.find((tag) => tag.name === 'db')).toEqual({
      name: 'db',
      description: 'Integration tests (chosen by integrationTests.tags)',
      timeout: 300_000,
      skip: true,
    })
    expect(config.tags.find((tag) => tag.name === 'unit')).toEqual({
      name: 'unit',
      description: 'Unit tests (fast, isolated)',
    })
  })

  test('adopting a suite (integrationTests) adds no projects, include or exclude: only tags, global setup and setup files', () => {
    const config = testConfig(settings({ integrationTests: ['test/**/*Test.ts'] }), FILES)
    expect(Object.keys(config).sort()).toEqual(['globalSetup', 'provide', 'setupFiles', 'strictTags', 'tags'])
    expect('setupFiles' in config && config.setupFiles).toEqual([
      '/testbed/tag-file.js',
      '/testbed/network-guard-file.js',
      '/testbed/report-file.js',
      '/testbed/endpoint-file.js',
    ])
  })
})
