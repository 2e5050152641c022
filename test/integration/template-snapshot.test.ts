import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import type { Progress } from '../../src/core/progress.ts'
import { ensureTemplate } from '../../src/isolation/templates/ensure-template.ts'
import { postgres } from '../../src/services/postgres/postgres-service.ts'
import { startServices } from '../../src/services/service-set.ts'
import { tempDir } from '../test-utils/temp-dir.ts'

const source = {
  migrations: 'migrations',
  seeds: ['seed.sql'],
  baseDir: fileURLToPath(new URL('../fixtures/shop-schema/', import.meta.url)),
}

function recordingProgress(lines: string[]): Progress {
  return { step() {}, warn() {}, done: (line) => lines.push(line) }
}

describe('templates survive across runs in a snapshot of the cluster', () => {
  beforeEach(() => {
    process.env.TESTBED_CACHE_DIR = tempDir('testbed-cache-')
  })
  afterEach(() => {
    delete process.env.TESTBED_CACHE_DIR
  })

  test('the next run starts from the snapshot with the template already built', async () => {
    const lines: string[] = []
    const progress = recordingProgress(lines)
    {
      await using first = await startServices(
        { db: postgres() },
        { projectDir: tempDir(), progress, snapshots: { db: 'k1' } },
      )
      const url = first.services[0]?.url ?? ''
      expect((await ensureTemplate(url, source)).built).toBe(true)
      expect(await first.snapshot('db', 'k1')).toBe(true)
      expect(first.services[0]?.url).toBe(url)
      expect((await ensureTemplate(url, source)).built).toBe(false)
    }
    await using second = await startServices(
      { db: postgres() },
      { projectDir: tempDir(), progress, snapshots: { db: 'k1' } },
    )
    expect(lines.at(-1)).toMatch(/\(snapshot start\)/)
    expect((await ensureTemplate(second.services[0]?.url ?? '', source)).built).toBe(false)
  })

  test('a run with another key starts without the snapshot and builds its template', async () => {
    {
      await using first = await startServices({ db: postgres() }, { projectDir: tempDir(), snapshots: { db: 'k1' } })
      await ensureTemplate(first.services[0]?.url ?? '', source)
      await first.snapshot('db', 'k1')
    }
    await using other = await startServices({ db: postgres() }, { projectDir: tempDir(), snapshots: { db: 'k2' } })
    expect((await ensureTemplate(other.services[0]?.url ?? '', source)).built).toBe(true)
  })
})
