import { describe, expect, test } from 'vitest'
import { parseTestArgs } from './test-args.ts'

describe('parseTestArgs', () => {
  test('reads testbed options and passes everything else to Vitest in order', () => {
    expect(
      parseTestArgs([
        '--integration',
        'tests/unit',
        '-m',
        'not slow',
        '--reporter=dot',
        '--budget=strict',
        '-t',
        'signup',
      ]),
    ).toEqual({
      integration: true,
      markers: ['not slow'],
      budget: 'strict',
      passWithNoTests: false,
      shard: undefined,
      configFile: undefined,
      help: false,
      vitestArgs: ['tests/unit', '--reporter=dot', '-t', 'signup'],
    })
  })

  test('accepts `=` forms, repeated -m, --pass-with-no-tests in both spellings, and --config', () => {
    const parsed = parseTestArgs([
      '-m=unit',
      '-m',
      'not slow',
      '--budget',
      'warn',
      '--passWithNoTests',
      '--config=ci.ts',
    ])
    expect(parsed).toMatchObject({
      markers: ['unit', 'not slow'],
      budget: 'warn',
      passWithNoTests: true,
      configFile: 'ci.ts',
    })
    expect(parseTestArgs(['--pass-with-no-tests']).passWithNoTests).toBe(true)
  })

  test('`-m` takes the next argument even when it starts with `!`', () => {
    expect(parseTestArgs(['-m', '!slow']).markers).toEqual(['!slow'])
  })

  test('passes everything after `--` verbatim, testbed options included', () => {
    expect(parseTestArgs(['--integration', '--', '--integration', '--config', 'vitest.ci.ts']).vitestArgs).toEqual([
      '--integration',
      '--config',
      'vitest.ci.ts',
    ])
  })

  test('fails on a missing value, naming the option and showing an example', () => {
    expect(() => parseTestArgs(['-m'])).toThrow(
      '[testbed] Missing value for an option of `testbed test`: -m.\n' +
        '-m takes a value. Write it after the option, as in `testbed test -m "not slow"`.',
    )
    expect(() => parseTestArgs(['--config', '--integration'])).toThrow(
      'Missing value for an option of `testbed test`: --config.',
    )
  })

  test('fails on an unknown budget mode', () => {
    expect(() => parseTestArgs(['--budget=hard'])).toThrow(
      '[testbed] Invalid value for --budget: hard.\n' +
        '--budget is `warn` (over budget prints a warning, the default) or `strict` (over budget fails the run). ' +
        'Use `--budget=strict` or `--budget=warn`.',
    )
  })

  test('reads --shard i/n in both forms, normalised', () => {
    expect(parseTestArgs(['--shard', '2/4']).shard).toBe('2/4')
    expect(parseTestArgs(['--shard=01/3']).shard).toBe('1/3')
  })

  test('fails on a shard that is not `i/n` with i from 1 to n', () => {
    const message = (value: string) =>
      `[testbed] Invalid value for --shard: ${value}.\n` +
      '--shard takes `i/n`: run the i-th of n shards, with i from 1 to n. ' +
      'Give each of n jobs its own i, as in `--shard 1/4` … `--shard 4/4`.'
    for (const value of ['3/2', '0/2', '1', '1/0', 'a/b', '1/2/3']) {
      expect(() => parseTestArgs([`--shard=${value}`])).toThrow(message(value))
    }
  })
})
