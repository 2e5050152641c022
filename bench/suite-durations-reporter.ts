import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import type { Reporter, TestModule } from 'vitest/node'
import { fileOutcome } from '../src/vitest/node/reporter.ts'

/**
 * Records how long each file of testbed's own suite took, the way the testbed reporter records a
 * user's suite (`.testbed/durations.json`), into the file TESTBED_BENCH_DURATIONS names; the input
 * of bench/shard-balance.ts. testbed's own suite runs without the testbed() plugin, hence this.
 *   TESTBED_BENCH_DURATIONS=bench/data/suite-run-1.json npx vitest run --reporter=default --reporter=./bench/suite-durations-reporter.ts
 */
export default class SuiteDurationsReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const target = process.env.TESTBED_BENCH_DURATIONS
    if (!target) throw new Error('set TESTBED_BENCH_DURATIONS to the file to write')
    const root = resolve(dirname(new URL(import.meta.url).pathname), '..')
    const files = modules.map((module) => fileOutcome(module, root)).sort((a, b) => (a.file < b.file ? -1 : 1))
    const record = Object.fromEntries(files.map((file) => [file.file, Math.round(file.durationMs * 10) / 10]))
    mkdirSync(dirname(resolve(target)), { recursive: true })
    writeFileSync(resolve(target), `${JSON.stringify({ version: 1, files: record }, null, 2)}\n`)
  }
}
