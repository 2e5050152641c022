import { describe, expect, test } from 'vitest'
import { addToSuiteProjects, isPreparedProject, mergeSuiteTags, type SuiteTestConfig } from './suite-config.ts'

describe('mergeSuiteTags', () => {
  test('a tag the suite declares keeps its options and gains skip and timeout; the others are returned', () => {
    const suite: SuiteTestConfig = { tags: [{ name: 'db', description: 'Database tests', timeout: 10_000 }] }
    const rest = mergeSuiteTags(suite, [
      { name: 'unit', description: 'Unit tests (fast, isolated)' },
      { name: 'db', description: 'Integration tests', timeout: 300_000, skip: true },
    ])
    expect(rest).toEqual([{ name: 'unit', description: 'Unit tests (fast, isolated)' }])
    expect(suite.tags).toEqual([{ name: 'db', description: 'Database tests', timeout: 10_000, skip: true }])
  })
})

describe('addToSuiteProjects', () => {
  test('gives each inline project the setup files after its own and the tags merged into those it reads', () => {
    const suite: SuiteTestConfig = {
      tags: [{ name: 'db', description: 'Database tests' }],
      projects: [
        'packages/*',
        { test: { name: 'api', setupFiles: 'test/setup.ts' } },
        { test: { name: 'db', tags: [{ name: 'pg' }] } },
      ],
    }
    const tags = [
      { name: 'unit', description: 'Unit tests (fast, isolated)' },
      { name: 'db', description: 'Integration tests', timeout: 300_000, skip: true },
    ]
    addToSuiteProjects(suite, { setupFiles: ['/testbed/tag-file.js'], tags })
    expect(suite.projects).toEqual([
      'packages/*',
      {
        test: {
          name: 'api',
          setupFiles: ['test/setup.ts', '/testbed/tag-file.js'],
          tags: [{ name: 'db', description: 'Database tests', timeout: 300_000, skip: true }, tags[0]],
        },
      },
      { test: { name: 'db', setupFiles: ['/testbed/tag-file.js'], tags: [{ name: 'pg' }, ...tags] } },
    ])
    expect(suite.tags).toEqual([{ name: 'db', description: 'Database tests' }])
  })
})

describe('isPreparedProject', () => {
  test('is true for a config whose setup files hold testbed’s tag file', () => {
    expect(isPreparedProject({ setupFiles: ['a.ts', '/testbed/tag-file.js'] }, '/testbed/tag-file.js')).toBe(true)
    expect(isPreparedProject({ setupFiles: 'a.ts' }, '/testbed/tag-file.js')).toBe(false)
    expect(isPreparedProject(undefined, '/testbed/tag-file.js')).toBe(false)
  })
})
