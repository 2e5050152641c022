import { assertKnownKeys, invalidOption } from '../../core/options.ts'

/** Checks the options shared by `ensureTemplate()` and the clone pool, when they are given. */
export function validateTemplateOptions(where: string, options: object, known: readonly string[]): void {
  assertKnownKeys(where, options, known)
  const values = options as Record<string, unknown>
  for (const option of ['keep', 'size']) assertPositiveInteger(where, option, values[option])
  const progress = values.progress
  if (progress !== undefined && (typeof progress !== 'object' || progress === null)) {
    throw invalidOption(where, 'progress', 'an object with step(), done() and warn()', progress)
  }
}

export function assertPositiveInteger(where: string, option: string, value: unknown): void {
  if (value === undefined || (typeof value === 'number' && Number.isInteger(value) && value > 0)) return
  throw invalidOption(where, option, 'a positive integer', value)
}
