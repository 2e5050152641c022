import { TestbedError } from './errors.ts'

/** Describes a value the way execa's option errors do: `` `abc` (string) ``. */
export function describeValue(value: unknown): string {
  if (value === null) return '`null`'
  if (Array.isArray(value)) return `\`${JSON.stringify(value)}\` (array)`
  if (typeof value === 'object') return `\`${JSON.stringify(value)}\` (object)`
  if (typeof value === 'string') return `\`${value}\` (string)`
  return `\`${String(value)}\` (${typeof value})`
}

export function invalidOption(where: string, option: string, expected: string, value: unknown): TestbedError {
  return new TestbedError('TESTBED_CONFIG_INVALID', {
    what: `Invalid option in ${where}`,
    subject: `\`${option}\``,
    why: `Expected the \`${option}\` option to be ${expected}, got ${describeValue(value)}`,
    fix: `Fix \`${option}\` in testbed.config.ts, or remove it to use the default`,
  })
}

export function assertPort(where: string, option: string, value: unknown): asserts value is number | undefined {
  if (value === undefined) return
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 65535) return
  throw invalidOption(where, option, 'an integer from 0 to 65535', value)
}

export function assertOneOf<T extends string>(
  where: string,
  option: string,
  value: unknown,
  allowed: readonly T[],
): asserts value is T | undefined {
  if (value === undefined || allowed.includes(value as T)) return
  throw invalidOption(where, option, `one of ${allowed.map((a) => `\`${a}\``).join(', ')}`, value)
}

export function assertPositiveNumber(
  where: string,
  option: string,
  value: unknown,
): asserts value is number | undefined {
  if (value === undefined) return
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return
  throw invalidOption(where, option, 'a positive number of milliseconds', value)
}

export function assertBoolean(where: string, option: string, value: unknown): asserts value is boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') throw invalidOption(where, option, 'true or false', value)
}

export function assertString(where: string, option: string, value: unknown): asserts value is string | undefined {
  if (value === undefined || (typeof value === 'string' && value.length > 0)) return
  throw invalidOption(where, option, 'a non-empty string', value)
}

export function assertKnownKeys(where: string, options: object, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue
    throw new TestbedError('TESTBED_CONFIG_INVALID', {
      what: `Unknown option in ${where}`,
      subject: `\`${key}\``,
      why: `${where} accepts ${known.map((k) => `\`${k}\``).join(', ')}`,
      fix: 'Remove the option or correct its spelling',
    })
  }
}
