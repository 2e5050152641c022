import { describe, expect, test } from 'vitest'
import { isIntegrationTagged, mentionsTags } from './integration-tags.ts'

describe('isIntegrationTagged', () => {
  test('is true for integration and for a tag integrationTests.tags names, false for others', () => {
    const tags = ['integration', 'db']
    expect(isIntegrationTagged(['unit', 'db'], tags)).toBe(true)
    expect(isIntegrationTagged(['integration'], tags)).toBe(true)
    expect(isIntegrationTagged(['unit', 'slow'], tags)).toBe(false)
    expect(isIntegrationTagged(undefined, tags)).toBe(false)
  })
})

describe('mentionsTags', () => {
  test('sees a tag as a quoted string or a @module-tag docblock', () => {
    expect(mentionsTags("test('x', { tags: ['db'] }, () => {})", ['db'])).toBe(true)
    expect(mentionsTags('describe("x", { tags: [`db`] }, () => {})', ['db'])).toBe(true)
    // Split, or Vitest would read the docblock as this file's own tag.
    expect(mentionsTags(`/** @module${'-tag'} db */`, ['db'])).toBe(true)
  })

  test('does not see a tag inside a longer word or name', () => {
    expect(mentionsTags("const dbUrl = 'dbx'; test('db users')", ['db'])).toBe(false)
    expect(mentionsTags(`// @module${'-tag'} db-slow`, ['db'])).toBe(false)
  })

  test('reads a name with dots and slashes literally', () => {
    expect(mentionsTags("tags: ['pg/slow']", ['pg/slow'])).toBe(true)
    expect(mentionsTags("tags: ['pgxslow']", ['pg.slow'])).toBe(false)
  })
})
