import { existsSync } from 'node:fs'
import { ENV, readEnv } from '../../core/env.ts'
import { TestbedError } from '../../core/errors.ts'
import { describeValue } from '../../core/options.ts'

/**
 * - `mock`: only declared mocks answer.
 * - `record`: requests no mock answers go to the real server, and are written to the cassette.
 * - `replay`: requests no mock answers are answered from the cassette.
 * - `auto`: replay when the cassette exists, else record.
 */
export type HttpMockMode = 'mock' | 'record' | 'replay' | 'auto'

const MODES: readonly HttpMockMode[] = ['mock', 'record', 'replay', 'auto']

/**
 * The mode a mock runs in. `TESTBED_HTTP_MODE` overrides the option for mocks that have a
 * cassette; with `CI` set, nothing records, so a missing cassette is an error.
 */
export function resolveMode(
  option: HttpMockMode | undefined,
  cassette: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): 'mock' | 'record' | 'replay' {
  const fromEnv = cassette === undefined ? undefined : parseEnvMode(readEnv(ENV.httpMode, env))
  const mode = fromEnv ?? option ?? (cassette === undefined ? 'mock' : 'auto')
  if (mode === 'mock') return 'mock'
  if (cassette === undefined) throw cassetteRequired(mode)
  const exists = existsSync(cassette)
  if (mode === 'replay' || (mode === 'auto' && exists)) {
    if (!exists) throw missingCassette(cassette, isCi(env))
    return 'replay'
  }
  if (isCi(env)) throw mode === 'record' ? recordInCi(cassette) : missingCassette(cassette, true)
  return 'record'
}

/**
 * `CI` set to anything but an empty string, `0` or `false`, as CI services do.
 * @example
 * createHttpMock({ cassette, mode: isCi() ? 'replay' : 'auto' })
 */
export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.CI?.trim().toLowerCase()
  return value !== undefined && value !== '' && value !== '0' && value !== 'false'
}

function parseEnvMode(value: string | undefined): HttpMockMode | undefined {
  if (value === undefined) return undefined
  if ((MODES as readonly string[]).includes(value)) return value as HttpMockMode
  throw new TestbedError('TESTBED_HTTP_INVALID_MODE', {
    what: 'Invalid TESTBED_HTTP_MODE',
    subject: describeValue(value),
    why: `It takes ${MODES.map((mode) => `\`${mode}\``).join(', ')}`,
    fix: 'Set one of them, or unset it to use the `mode` option',
  })
}

const HOW_TO_RECORD = 'TESTBED_HTTP_MODE=record npx vitest run <test file>'

function cassetteRequired(mode: HttpMockMode): TestbedError {
  return new TestbedError('TESTBED_HTTP_NO_CASSETTE', {
    what: `createHttpMock({ mode: '${mode}' }) needs a cassette`,
    why: 'Record and replay read and write the exchanges of one test in one cassette file',
    fix: "Pass `cassette: cassettePath('test/cassettes', testFile, testName)`, or use `mode: 'mock'`",
  })
}

function missingCassette(path: string, ci: boolean): TestbedError {
  return new TestbedError('TESTBED_HTTP_CASSETTE_MISSING', {
    what: 'No cassette to replay',
    subject: path,
    why: ci
      ? 'CI is set, so testbed never records and never reaches the network, and this test has no recording'
      : 'The mode is `replay`, which never reaches the network, and this test has no recording',
    fix: `Record it on your machine with \`${HOW_TO_RECORD}\` (the real API must be reachable), then commit the cassette`,
  })
}

function recordInCi(path: string): TestbedError {
  return new TestbedError('TESTBED_HTTP_RECORD_IN_CI', {
    what: 'Recording is off in CI',
    subject: path,
    why: 'CI is set, so testbed never records and never reaches the network',
    fix: `Record on your machine with \`${HOW_TO_RECORD}\` and commit the cassette; in CI, leave the mode at \`auto\` or \`replay\``,
  })
}
