import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const created: string[] = []

/**
 * A temp folder, removed after the test file (by the setup file). Not per test: under
 * `describe.concurrent`, a global `onTestFinished` attaches to whichever test finishes first.
 */
export function tempDir(prefix = 'testbed-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  created.push(dir)
  return dir
}

export function removeTempDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true })
}
