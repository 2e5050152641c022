import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { tempDir } from '../../../test/test-utils/temp-dir.ts'
import { hashDirectory, templateHash } from './template-hash.ts'
import type { ResolvedSource } from './template-source.ts'

const EMPTY: ResolvedSource = {
  migrationFiles: [],
  migrate: undefined,
  seedFiles: [],
  fixtures: undefined,
  key: undefined,
}
const file = (label: string, text: string) => ({ label, text, bytes: Buffer.from(text) })
const hash = (source: Partial<ResolvedSource>, serverVersion = '18.4') =>
  templateHash({ source: { ...EMPTY, ...source }, serverVersion, testbedVersion: '0.1.0' })

describe('templateHash', () => {
  test('is stable for the same inputs', () => {
    expect(hash({ migrationFiles: [file('m/1.sql', 'CREATE TABLE a ();')] })).toBe(
      hash({ migrationFiles: [file('m/1.sql', 'CREATE TABLE a ();')] }),
    )
  })

  test('changes with a file’s contents, a file’s name, the server version and the key', () => {
    const base = hash({ migrationFiles: [file('m/1.sql', 'CREATE TABLE a ();')] })
    const variants = [
      hash({ migrationFiles: [file('m/1.sql', 'CREATE TABLE b ();')] }),
      hash({ migrationFiles: [file('m/2.sql', 'CREATE TABLE a ();')] }),
      hash({ migrationFiles: [file('m/1.sql', 'CREATE TABLE a ();')] }, '15.18'),
      hash({ migrationFiles: [file('m/1.sql', 'CREATE TABLE a ();')], key: 'v2' }),
      hash({ seedFiles: [file('m/1.sql', 'CREATE TABLE a ();')] }),
    ]
    expect(new Set([base, ...variants]).size).toBe(6)
  })

  test('sees a migrate function’s source text, but not what it reads', () => {
    const one = hash({ migrate: async () => {} })
    const other = hash({ migrate: async (url: string) => void url })
    expect(one).not.toBe(other)
  })
})

describe('hashDirectory', () => {
  test('changes when a file anywhere below changes or is renamed', async () => {
    const dir = tempDir()
    mkdirSync(join(dir, 'meta'))
    writeFileSync(join(dir, '0001_init.sql'), 'CREATE TABLE a ();')
    writeFileSync(join(dir, 'meta', '_journal.json'), '{}')
    const first = await hashDirectory(dir)
    expect(await hashDirectory(dir)).toBe(first)
    writeFileSync(join(dir, 'meta', '_journal.json'), '{"entries":[]}')
    const edited = await hashDirectory(dir)
    renameSync(join(dir, '0001_init.sql'), join(dir, '0001_start.sql'))
    const renamed = await hashDirectory(dir)
    expect(new Set([first, edited, renamed]).size).toBe(3)
    expect(first).toMatch(/^[0-9a-f]{16}$/)
  })
})
