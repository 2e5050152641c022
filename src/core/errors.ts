import { type ErrorCode, errorDocs } from './error-codes.ts'

/** The parts of a teaching error message: what failed, why, and what to do. */
export interface ErrorParts {
  /** What failed, naming the call or option as the user wrote it. */
  what: string
  /** The thing it failed on: a service name, a path, a URL. */
  subject?: string
  /** The likely cause. A period at its end is left out: it joins the fix in one line. */
  why: string
  /** What to do: an option, a command, an environment variable. A period at its end is left out too. */
  fix: string
  /** Observed values, log lines, elapsed time. */
  details?: readonly string[]
}

/**
 * Every error testbed throws: a stable `code` (catalogued in error-codes.ts), a message that teaches
 * and ends with a link to the code's docs, the original error as `cause`.
 * @example
 * try {
 *   await startServices({ db: postgres({ port: 5432 }) }, { projectDir: process.cwd() })
 * } catch (error) {
 *   if (error instanceof TestbedError && error.code === 'TESTBED_SERVICE_PORT_TAKEN') console.error(error.message)
 * }
 */
export class TestbedError extends Error {
  override readonly name = 'TestbedError'
  readonly code: ErrorCode
  readonly parts: ErrorParts

  constructor(code: ErrorCode, parts: ErrorParts, options?: { cause?: unknown }) {
    super(formatMessage(parts, code), options)
    this.code = code
    this.parts = parts
  }

  /** The same error with more detail lines (where a config put it), keeping this one as the cause. */
  withDetails(details: readonly string[]): TestbedError {
    return new TestbedError(
      this.code,
      { ...this.parts, details: [...(this.parts.details ?? []), ...details] },
      { cause: this },
    )
  }
}

/**
 * `[testbed] what: subject.`, `Why. Fix.`, a `  • detail` line each, then `Read more: <docs of code>`.
 */
export function formatMessage({ what, subject, why, fix, details = [] }: ErrorParts, code: ErrorCode): string {
  const head = subject === undefined ? `[testbed] ${what}.` : `[testbed] ${what}: ${subject}.`
  const lines = [head, `${withoutPeriod(why)}. ${withoutPeriod(fix)}.`, ...details.map((detail) => `  • ${detail}`)]
  return [...lines, `${READ_MORE}${errorDocs(code)}`].join('\n')
}

const READ_MORE = 'Read more: '

// Causes are quoted inside sentences: "…: spelling.. Fix it." would read as a typo.
function withoutPeriod(text: string): string {
  return text.replace(/\.+$/, '')
}

/** The message of an unknown thrown value, for details lines; a TestbedError's without its docs link. */
export function describeCause(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return describeCause(error.errors[0])
  if (isTestbedError(error)) return withoutDocsLink(error.message)
  if (error instanceof Error) return error.message || error.constructor.name
  return String(error)
}

/** A TestbedError's message without its last line, the link to the docs: for quoting it inside another. */
export function withoutDocsLink(message: string): string {
  return message
    .split('\n')
    .filter((line) => !line.startsWith(READ_MORE))
    .join('\n')
}

/**
 * True for a TestbedError from any copy of testbed: a config loaded through jiti, or a second
 * installed version, has its own class, so `instanceof` alone would miss it.
 */
export function isTestbedError(error: unknown): error is TestbedError {
  if (error instanceof TestbedError) return true
  const candidate = error as { name?: unknown; code?: unknown } | null
  return (
    candidate?.name === 'TestbedError' && typeof candidate.code === 'string' && candidate.code.startsWith('TESTBED_')
  )
}
