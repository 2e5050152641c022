import { relative } from 'node:path'
import { BaseSequencer, type TestSequencerConstructor, type TestSpecification } from 'vitest/node'
import { durationsPath, readDurations } from './durations-file.ts'
import { runState } from './run-state.ts'
import { planShards } from './shard-plan.ts'

/** What a sharded run tells the reporter about its shard. */
export interface ShardSummary {
  index: number
  count: number
  files: number
  totalFiles: number
  expectedMs: number
  totalMs: number
  unrecorded: number
  estimateMs: number
}

/**
 * Vitest's sequencer with `--shard i/n` splitting files by `.testbed/durations.json` (planShards)
 * instead of by a hash of their paths; the order within a shard stays Vitest's.
 */
export function durationSequencer(projectDir: string): TestSequencerConstructor {
  return class DurationSequencer extends BaseSequencer {
    override async shard(files: TestSpecification[]): Promise<TestSpecification[]> {
      const { index, count } = this.ctx.config.shard as { index: number; count: number }
      const recorded = readDurations(durationsPath(projectDir)).files
      const byKey = new Map<string, TestSpecification[]>()
      for (const spec of files) {
        const key = `${spec.project.name}\u0000${relative(projectDir, spec.moduleId)}`
        byKey.set(key, [...(byKey.get(key) ?? []), spec])
      }
      const items = [...byKey.keys()].map((key) => ({ key, durationMs: recorded[fileOf(key)] }))
      const plan = planShards(items, count)
      const mine = plan.shards[index - 1] ?? []
      runState(this.ctx).shard = {
        index,
        count,
        files: mine.length,
        totalFiles: items.length,
        expectedMs: plan.loadsMs[index - 1] ?? 0,
        totalMs: plan.loadsMs.reduce((sum, ms) => sum + ms, 0),
        unrecorded: plan.unrecorded,
        estimateMs: plan.estimateMs,
      }
      return mine.flatMap((key) => byKey.get(key) ?? [])
    }
  }
}

function fileOf(key: string): string {
  return key.slice(key.indexOf('\u0000') + 1)
}

/**
 * The `test.sequence` the plugin adds: the duration sequencer, unless the user's config chose a
 * sequencer or shuffles files (Vitest's RandomSequencer), which then keeps Vitest's `--shard`.
 */
export function sequenceOption(
  userSequence: { sequencer?: unknown; shuffle?: boolean | { files?: boolean } } | undefined,
  projectDir: string,
): { sequence?: { sequencer: TestSequencerConstructor } } {
  const shuffle = userSequence?.shuffle
  const shufflesFiles = shuffle === true || (typeof shuffle === 'object' && shuffle.files === true)
  if (userSequence?.sequencer || shufflesFiles) return {}
  return { sequence: { sequencer: durationSequencer(projectDir) } }
}
