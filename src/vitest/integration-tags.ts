/** Whether a task with these tags is an integration test: it carries `integration` or a tag of `integrationTests.tags`. */
export function isIntegrationTagged(tags: readonly string[] | undefined, integrationTags: readonly string[]): boolean {
  return (tags ?? []).some((tag) => integrationTags.includes(tag))
}

/**
 * Whether a test file's source may tag a test with one of `names`: the name as a quoted string
 * (`{ tags: ['db'] }`) or a `@module-tag` docblock. Read before the file runs, so a guess that errs
 * towards yes.
 */
export function mentionsTags(source: string, names: readonly string[]): boolean {
  return names.some((name) => mentionPattern(name).test(source))
}

function mentionPattern(name: string): RegExp {
  const escaped = name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
  return new RegExp(`(['"\`])${escaped}\\1|@module-tag\\s+${escaped}(?![\\w\\-/])`)
}
