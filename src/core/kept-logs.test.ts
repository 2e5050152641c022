import { mkdirSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeEach, describe, expect, test } from 'vitest'
import { tempDir } from '../../test/test-utils/temp-dir.ts'
import { keepLog, keptLogsDir } from './kept-logs.ts'

// Logs whose modification times are `index` minutes ago: log-0 is the newest.
function oldLogs(count: number, size = 10): void {
  const dir = keptLogsDir()
  for (let index = 0; index < count; index++) {
    const path = join(dir, `log-${index}.log`)
    writeFileSync(path, 'x'.repeat(size))
    const minutesAgo = new Date(Date.now() - (index + 1) * 60_000)
    utimesSync(path, minutesAgo, minutesAgo)
  }
}

function sourceLog(size: number): string {
  const path = join(tempDir(), 'postgres.log')
  writeFileSync(path, 'y'.repeat(size))
  return path
}

describe('keepLog', () => {
  beforeEach(() => {
    rmSync(keptLogsDir(), { recursive: true, force: true })
    mkdirSync(keptLogsDir())
  })

  test('copies the log into <state>/logs and returns where', () => {
    const kept = keepLog(sourceLog(5), 'run-db.log')
    expect(kept).toBe(join(process.env.TESTBED_STATE_DIR as string, 'logs', 'run-db.log'))
    expect(readdirSync(keptLogsDir())).toEqual(['run-db.log'])
  })

  test('keeps the newest files only, up to the file limit', () => {
    oldLogs(6)
    keepLog(sourceLog(5), 'new.log', { files: 4, bytes: 1_000_000 })
    expect(readdirSync(keptLogsDir()).sort()).toEqual(['log-0.log', 'log-1.log', 'log-2.log', 'new.log'])
  })

  test('keeps the newest files only, up to the byte limit, and always the one just kept', () => {
    oldLogs(6, 100)
    keepLog(sourceLog(150), 'new.log', { files: 20, bytes: 400 })
    expect(readdirSync(keptLogsDir()).sort()).toEqual(['log-0.log', 'log-1.log', 'new.log'])
    keepLog(sourceLog(1000), 'huge.log', { files: 20, bytes: 400 })
    expect(readdirSync(keptLogsDir())).toEqual(['huge.log'])
  })
})
