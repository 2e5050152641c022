// A setup file of the projects `unit` and `integration` (or of an adopted suite and its projects):
// every test of the file gets the project's tag, so tag filters (`-m "not integration"`) and the
// integration tag's options apply to it.
// Vitest reads file tags only from `@module-tag` comments; a setup file runs after the file task
// exists and before its tests are collected, so the tag is added to the file task here.
import { matchesGlob, relative } from 'node:path'
import { inject, TestRunner } from 'vitest'
import { SETTINGS_KEY, TAG_KEY } from '../provided.ts'

const collector = TestRunner.getCurrentSuite()
const tag = inject(TAG_KEY) ?? adoptedTag(collector.file?.filepath)
for (const task of [collector.file, collector.suite]) {
  if (task && !task.tags?.includes(tag)) task.tags = [...(task.tags ?? []), tag]
}

/**
 * Adopting a suite (in its own projects too): `integration` for a file `integrationTests` matches,
 * else `unit`; tests tagged with one of `integrationTests.tags` carry that tag besides.
 */
function adoptedTag(filepath: string | undefined): string {
  const { projectDir, integrationTests } = inject(SETTINGS_KEY)
  const path = relative(projectDir, filepath ?? '')
  return (integrationTests ?? []).some((glob) => matchesGlob(path, glob)) ? 'integration' : 'unit'
}
