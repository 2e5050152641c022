import { describe, expect, test } from 'vitest'
import { resolveSettings, type TestbedSettings } from '../settings.ts'
import { withRunDefaults } from './run-defaults.ts'
import { testConfig } from './test-config.ts'

const FILES = {
  globalSetup: '/testbed/global-setup.js',
  tagFile: '/testbed/tag-file.js',
  networkGuardFile: '/testbed/network-guard-file.js',
  reportFile: '/testbed/report-file.js',
  endpointFile: '/testbed/endpoint-file.js',
}

function settings(overrides: Partial<TestbedSettings> = {}): TestbedSettings {
  return { ...resolveSettings({}, '/project', null), integration: true, ...overrides }
}

describe('withRunDefaults', () => {
  test('the integration project shares workers across files; the unit project keeps Vitest’s isolation', () => {
    const config = withRunDefaults(testConfig(settings(), FILES))
    const projects = 'projects' in config ? config.projects : []
    expect(projects.map((project) => [project.test.name, 'isolate' in project.test && project.test.isolate])).toEqual([
      ['unit', false],
      ['integration', false],
    ])
    expect(projects.map((project) => Object.hasOwn(project.test, 'isolate'))).toEqual([false, true])
  })

  test('an adopted suite (integrationTests) keeps its own pool settings', () => {
    const config = testConfig(settings({ integrationTests: ['test/**/*Test.ts'] }), FILES)
    expect(withRunDefaults(config)).toEqual(config)
  })
})
