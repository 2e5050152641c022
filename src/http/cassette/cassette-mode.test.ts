import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { tempDir } from '../../../test/test-utils/temp-dir.ts'
import { isCi, resolveMode } from './cassette-mode.ts'

function paths() {
  const dir = tempDir('testbed-cassette-mode-')
  const existing = join(dir, 'existing.json')
  writeFileSync(existing, '{"version":1,"interactions":[]}')
  return { existing, missing: join(dir, 'missing.json') }
}

describe('resolveMode', () => {
  test('is mock without a cassette, and auto (replay or record) with one', () => {
    const { existing, missing } = paths()
    expect(resolveMode(undefined, undefined, {})).toBe('mock')
    expect(resolveMode(undefined, existing, {})).toBe('replay')
    expect(resolveMode(undefined, missing, {})).toBe('record')
    expect(resolveMode('record', existing, {})).toBe('record')
  })

  test('lets TESTBED_HTTP_MODE override the option of a mock with a cassette only', () => {
    const { existing } = paths()
    expect(resolveMode('replay', existing, { TESTBED_HTTP_MODE: 'record' })).toBe('record')
    expect(resolveMode(undefined, undefined, { TESTBED_HTTP_MODE: 'record' })).toBe('mock')
  })

  test('never records in CI: a missing cassette says how to record it locally', () => {
    const { existing, missing } = paths()
    expect(resolveMode('auto', existing, { CI: 'true' })).toBe('replay')
    expect(() => resolveMode('auto', missing, { CI: 'true' })).toThrow(
      `[testbed] No cassette to replay: ${missing}.\nCI is set, so testbed never records and never reaches the network, and this test has no recording. Record it on your machine with \`TESTBED_HTTP_MODE=record npx vitest run <test file>\` (the real API must be reachable), then commit the cassette.`,
    )
    expect(() => resolveMode('record', missing, { CI: '1' })).toThrow(
      `[testbed] Recording is off in CI: ${missing}.\nCI is set, so testbed never records and never reaches the network. Record on your machine with \`TESTBED_HTTP_MODE=record npx vitest run <test file>\` and commit the cassette; in CI, leave the mode at \`auto\` or \`replay\`.`,
    )
  })

  test('replay without a cassette fails outside CI too', () => {
    const { missing } = paths()
    expect(() => resolveMode('replay', missing, {})).toThrow(
      `[testbed] No cassette to replay: ${missing}.\nThe mode is \`replay\`, which never reaches the network, and this test has no recording. Record it on your machine with \`TESTBED_HTTP_MODE=record npx vitest run <test file>\` (the real API must be reachable), then commit the cassette.`,
    )
  })

  test('explains a record mode without a cassette and a wrong TESTBED_HTTP_MODE', () => {
    const { existing } = paths()
    expect(() => resolveMode('record', undefined, {})).toThrow(
      "[testbed] createHttpMock({ mode: 'record' }) needs a cassette.\nRecord and replay read and write the exchanges of one test in one cassette file. Pass `cassette: cassettePath('test/cassettes', testFile, testName)`, or use `mode: 'mock'`.",
    )
    expect(() => resolveMode(undefined, existing, { TESTBED_HTTP_MODE: 'recrod' })).toThrow(
      '[testbed] Invalid TESTBED_HTTP_MODE: `recrod` (string).\nIt takes `mock`, `record`, `replay`, `auto`. Set one of them, or unset it to use the `mode` option.',
    )
  })
})

describe('isCi', () => {
  test('reads CI as CI services set it', () => {
    expect(isCi({ CI: 'true' })).toBe(true)
    expect(isCi({ CI: '1' })).toBe(true)
    expect(isCi({ CI: 'false' })).toBe(false)
    expect(isCi({ CI: '' })).toBe(false)
    expect(isCi({})).toBe(false)
  })
})
