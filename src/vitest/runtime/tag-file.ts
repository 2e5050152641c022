// A setup file of the projects `unit` and `integration`: every test of the file gets the project's
// tag, so tag filters (`-m "not integration"`) and the integration tag's options apply to it.
// Vitest reads file tags only from `@module-tag` comments; a setup file runs after the file task
// exists and before its tests are collected, so the tag is added to the file task here.
import { inject, TestRunner } from 'vitest'
import { TAG_KEY } from '../provided.ts'

const tag = inject(TAG_KEY)
const collector = TestRunner.getCurrentSuite()
for (const task of [collector.file, collector.suite]) {
  if (task && !task.tags?.includes(tag)) task.tags = [...(task.tags ?? []), tag]
}
