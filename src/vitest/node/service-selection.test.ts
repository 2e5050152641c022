import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { resolveSettings } from '../settings.ts'
import { selectServices } from './service-selection.ts'

const dir = mkdtempSync(join(tmpdir(), 'testbed-selection-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function file(name: string, source: string): { project: string; file: string } {
  writeFileSync(join(dir, name), source)
  return { project: '', file: join(dir, name) }
}

const byTag = { ...resolveSettings({ integrationTests: { tags: ['db'] } }, dir, null), integration: true }

describe('selectServices, integration tests chosen by tag', () => {
  test('starts services when a file of the run tags a test with one of the tags', () => {
    const tagged = file('users.spec.ts', "it('signs up', { tags: ['db'] }, async () => {})")
    expect(selectServices(byTag, undefined, [tagged])).toEqual({ start: true })
  })

  test('starts nothing when no file names a tag, saying which tags it looked for', () => {
    const plain = file('math.spec.ts', "it('adds', () => {})")
    expect(selectServices(byTag, undefined, [plain])).toEqual({
      start: false,
      reason: 'no test file of this run tags a test `integration` or `db`',
    })
  })

  test('starts nothing when the tag filter leaves out every tag that makes an integration test', () => {
    const tagged = file('orders.spec.ts', "describe('orders', { tags: ['db'] }, () => {})")
    expect(selectServices(byTag, ['!db && !integration'], [tagged])).toMatchObject({ start: false })
    expect(selectServices(byTag, ['db'], [tagged])).toEqual({ start: true })
  })
})
