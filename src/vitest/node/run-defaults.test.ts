import { describe, expect, test } from 'vitest'
import { resolveSettings } from '../settings.ts'
import { withRunDefaults } from './run-defaults.ts'
import { testConfig } from './test-config.ts'

const names = ['globalSetup', 'tagFile', 'networkGuardFile', 'reportFile', 'endpointFile'] as const
const files = Object.fromEntries(names.map((name) => [name, `/testbed/${name}.js`])) as Record<
  (typeof names)[number],
  string
>
const integrationOn = { ...resolveSettings({}, '/project', null), integration: true }

describe('withRunDefaults', () => {
  test('the integration project shares workers across files; the unit project keeps Vitest’s isolation', () => {
    const config = withRunDefaults(testConfig(integrationOn, files), undefined, 8)
    const projects = 'projects' in config ? config.projects : []
    expect(projects.map((project) => [project.test.name, 'isolate' in project.test && project.test.isolate])).toEqual([
      ['unit', false],
      ['integration', false],
    ])
    expect(projects.map((project) => Object.hasOwn(project.test, 'isolate'))).toEqual([false, true])
  })

  test('an adopted suite (integrationTests) keeps its own pool settings', () => {
    const config = testConfig({ ...integrationOn, integrationTests: ['test/**/*Test.ts'] }, files)
    expect(withRunDefaults(config, undefined, 2)).toEqual(config)
  })

  test('two workers where Vitest would run one (2 cores or fewer), unless the config sets maxWorkers', () => {
    const config = testConfig(integrationOn, files)
    // The run's and each project's: Vitest groups files by their project's own maxWorkers.
    const workers = (cores: number, configured?: number) => {
      const resolved = withRunDefaults(config, configured, cores)
      const projects = 'projects' in resolved ? resolved.projects : []
      const each = [resolved, ...projects.map((project) => project.test)].map((test) =>
        'maxWorkers' in test ? test.maxWorkers : 'Vitest’s default',
      )
      expect(new Set(each).size, `${cores} cores`).toBe(1)
      return each[0]
    }
    expect([workers(1), workers(2), workers(3), workers(8), workers(2, 1)]).toEqual([
      2,
      2,
      'Vitest’s default',
      'Vitest’s default',
      'Vitest’s default',
    ])
  })
})
