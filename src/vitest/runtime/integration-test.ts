// What makes a test, a suite or a file an integration test in a worker: testbed's `integration` tag
// or a tag of testbed.config.ts `integrationTests.tags`.
import { readFileSync } from 'node:fs'
import { inject } from 'vitest'
import { isIntegrationTagged, mentionsTags } from '../integration-tags.ts'
import { SETTINGS_KEY } from '../provided.ts'

/** The tags that make an integration test; `integration` alone where no settings were provided. */
function integrationTags(): readonly string[] {
  return inject(SETTINGS_KEY)?.integrationTags ?? ['integration']
}

/** Whether a test or suite is an integration test (by its own, its suite's or its file's tags). */
export function isIntegrationTask(task: { tags?: readonly string[] } | undefined): boolean {
  return isIntegrationTagged(task?.tags, integrationTags())
}

/**
 * Whether a file about to be collected may hold integration tests: it is tagged as a whole (by
 * glob or `@module-tag`), or its source names an integration tag (tags on tests and `describe`
 * blocks are known only once the file has run).
 */
export function mayHoldIntegrationTests(file: { tags?: readonly string[]; filepath: string } | undefined): boolean {
  if (file === undefined) return false
  if (isIntegrationTask(file)) return true
  try {
    return mentionsTags(readFileSync(file.filepath, 'utf8'), integrationTags())
  } catch {
    return false
  }
}
