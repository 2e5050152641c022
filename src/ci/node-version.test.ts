import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { tempDir } from '../../test/test-utils/temp-dir.ts'
import { nodeVersionFor } from './node-version.ts'

describe.concurrent('nodeVersionFor', () => {
  test('takes the oldest major that engines.node allows and testbed supports', () => {
    const major = (engines: string) => nodeVersionFor(tempDir(), engines).with
    expect(major('>=22.12')).toEqual({ 'node-version': '22' })
    expect(major('^24.1.0')).toEqual({ 'node-version': '24' })
    expect(major('>=18')).toEqual({ 'node-version': '22' })
    expect(major('20 || 22 || 24')).toEqual({ 'node-version': '22' })
    expect(major('22.12.0')).toEqual({ 'node-version': '22.12.0' })
  })

  test('falls back to the latest LTS, saying why, when engines.node allows no Node testbed supports or does not parse', () => {
    expect(nodeVersionFor(tempDir(), '^20')).toEqual({
      with: { 'node-version': 'lts/*' },
      from: 'engines.node `^20`',
      note: "package.json's engines.node `^20` allows no Node that testbed supports (>=22.12); the workflow uses the latest LTS",
    })
    expect(nodeVersionFor(tempDir(), 'current-ish').note).toBe(
      "package.json's engines.node `current-ish` is not a semver range; the workflow uses the latest LTS",
    )
  })

  test('without engines.node, uses a .nvmrc or .node-version file, else the latest LTS', () => {
    const dir = tempDir()
    expect(nodeVersionFor(dir, undefined).with).toEqual({ 'node-version': 'lts/*' })
    writeFileSync(join(dir, '.node-version'), '24\n')
    expect(nodeVersionFor(dir, undefined)).toEqual({
      with: { 'node-version-file': '.node-version' },
      from: '.node-version',
    })
  })
})
