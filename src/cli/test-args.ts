import { TestbedError } from '../core/errors.ts'

/** `testbed test`'s own options; everything else goes to Vitest. */
export interface TestArgs {
  integration: boolean
  /** Each `-m EXPR`, in order; Vitest ANDs several tag filters. */
  markers: string[]
  budget: 'warn' | 'strict' | undefined
  passWithNoTests: boolean
  /** `i/n` from `--shard`: this run's share of the files, split by recorded durations. */
  shard: string | undefined
  configFile: string | undefined
  help: boolean
  /** In order, as given: options testbed does not know, file filters, everything after `--`. */
  vitestArgs: string[]
}

const WITH_VALUE = new Set(['-m', '--budget', '--config', '--shard'])

/** Reads testbed's options out of the arguments and leaves the rest, in order, for Vitest. */
export function parseTestArgs(args: readonly string[]): TestArgs {
  const parsed: TestArgs = {
    integration: false,
    markers: [],
    budget: undefined,
    passWithNoTests: false,
    shard: undefined,
    configFile: undefined,
    help: false,
    vitestArgs: [],
  }
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] as string
    if (arg === '--') {
      parsed.vitestArgs.push(...args.slice(index + 1))
      break
    }
    const [name, inline] = splitOption(arg)
    if (!WITH_VALUE.has(name)) {
      readFlag(parsed, arg)
      continue
    }
    const value = inline ?? args[++index]
    if (value === undefined || (inline === undefined && value.startsWith('-') && name !== '-m'))
      throw missingValue(name)
    readValue(parsed, name, value)
  }
  return parsed
}

function splitOption(arg: string): [string, string | undefined] {
  const equals = arg.indexOf('=')
  if (!arg.startsWith('-') || equals === -1) return [arg, undefined]
  return [arg.slice(0, equals), arg.slice(equals + 1)]
}

function readFlag(parsed: TestArgs, arg: string): void {
  if (arg === '--integration') parsed.integration = true
  else if (arg === '-h' || arg === '--help') parsed.help = true
  else if (arg === '--pass-with-no-tests' || arg === '--passWithNoTests') parsed.passWithNoTests = true
  else parsed.vitestArgs.push(arg)
}

function readValue(parsed: TestArgs, name: string, value: string): void {
  if (name === '-m') parsed.markers.push(value)
  else if (name === '--config') parsed.configFile = value
  else if (name === '--shard') parsed.shard = parseShard(value)
  else if (value === 'warn' || value === 'strict') parsed.budget = value
  else throw invalidBudget(value)
}

function missingValue(name: string): TestbedError {
  const example = {
    '-m': '-m "not slow"',
    '--budget': '--budget=strict',
    '--config': '--config testbed.ci.ts',
    '--shard': '--shard 1/4',
  }[name]
  return new TestbedError('TESTBED_CLI_INVALID_ARGUMENT', {
    what: 'Missing value for an option of `testbed test`',
    subject: name,
    why: `${name} takes a value`,
    fix: `Write it after the option, as in \`testbed test ${example}\``,
  })
}

function invalidBudget(value: string): TestbedError {
  return new TestbedError('TESTBED_CLI_INVALID_ARGUMENT', {
    what: 'Invalid value for --budget',
    subject: value,
    why: '--budget is `warn` (over budget prints a warning, the default) or `strict` (over budget fails the run)',
    fix: 'Use `--budget=strict` or `--budget=warn`',
  })
}

function parseShard(value: string): string {
  const match = /^(\d+)\/(\d+)$/.exec(value)
  const [index, count] = [Number(match?.[1]), Number(match?.[2])]
  if (match && index >= 1 && index <= count) return `${index}/${count}`
  throw new TestbedError('TESTBED_CLI_INVALID_ARGUMENT', {
    what: 'Invalid value for --shard',
    subject: value,
    why: '--shard takes `i/n`: run the i-th of n shards, with i from 1 to n',
    fix: 'Give each of n jobs its own i, as in `--shard 1/4` … `--shard 4/4`',
  })
}
