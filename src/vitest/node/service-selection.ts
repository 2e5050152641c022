import { readFileSync } from 'node:fs'
import { matchesGlob, relative } from 'node:path'
import { mentionsTags } from '../integration-tags.ts'
import type { TestbedSettings } from '../settings.ts'
import { canSelectTag, parseTagExpression } from '../tag-expression.ts'

export type Selection = { start: true } | { start: false; reason: string }

/**
 * Whether this run can execute an integration test, decided before any test runs (so that
 * start-up is charged to no test): integration tests are on, the tag filter lets some through,
 * and some file of the run is in the integration folder or tags a test `integration`.
 */
export function selectServices(
  settings: TestbedSettings,
  tagsFilter: readonly string[] | undefined,
  files: ReadonlyArray<{ project: string; file: string }> | null,
): Selection {
  if (!settings.integration) {
    return {
      start: false,
      reason: 'integration tests are not enabled (`testbed test --integration` or TESTBED_INTEGRATION=1)',
    }
  }
  const known = settings.tags.map((tag) => tag.name)
  const filters = (tagsFilter ?? []).map((filter) => parseTagExpression(filter, '--tags-filter'))
  if (!settings.integrationTags.some((tag) => canSelectTag(filters, known, tag))) {
    return {
      start: false,
      reason: `the tag filter \`${(tagsFilter ?? []).join(' && ')}\` leaves out every integration test`,
    }
  }
  if (files !== null && !files.some((file) => mayHoldIntegrationTests(file, settings))) {
    return { start: false, reason: `no test file of this run ${whereIntegrationTestsAre(settings)}` }
  }
  return { start: true }
}

function whereIntegrationTestsAre({ integrationTests, dirs, integrationTags }: TestbedSettings): string {
  const where = integrationTests?.join(', ') ?? dirs.integration
  const tags = `tags a test ${integrationTags.map((tag) => `\`${tag}\``).join(' or ')}`
  return where === '' ? tags : `is in ${where} or ${tags}`
}

function mayHoldIntegrationTests(
  { project, file }: { project: string; file: string },
  { integrationTests, integrationTags, projectDir }: TestbedSettings,
): boolean {
  if (project === 'integration') return true
  const path = relative(projectDir, file)
  if (integrationTests?.some((glob) => matchesGlob(path, glob))) return true
  try {
    return mentionsTags(readFileSync(file, 'utf8'), integrationTags)
  } catch {
    return true
  }
}
