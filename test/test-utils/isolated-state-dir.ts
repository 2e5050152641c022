import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect } from 'vitest'
import { removeTempDirs } from './temp-dir.ts'

// Each test file gets its own state dir, so files running in parallel never see each other's runs,
// and the check below proves a file left nothing running behind.
const stateDir = mkdtempSync(join(tmpdir(), 'testbed-test-state-'))
process.env.TESTBED_STATE_DIR = stateDir
process.env.TESTBED_QUIET = '1'

afterAll(() => {
  removeTempDirs()
  const leftovers = safeList(join(stateDir, 'runs'))
  rmSync(stateDir, { recursive: true, force: true })
  expect(leftovers, 'runs left behind in the state dir').toEqual([])
})

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir)
  } catch {
    return []
  }
}
