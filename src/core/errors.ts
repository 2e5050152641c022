/** The parts of a teaching error message: what failed, why, and what to do. */
export interface ErrorParts {
  /** What failed, naming the call or option as the user wrote it. */
  what: string
  /** The thing it failed on: a service name, a path, a URL. */
  subject?: string
  /** The likely cause. */
  why: string
  /** What to do: an option, a command, an environment variable. */
  fix: string
  /** Observed values, log lines, elapsed time. */
  details?: readonly string[]
}

/** Every error testbed throws: a stable `code`, a message that teaches, the original error as `cause`. */
export class TestbedError extends Error {
  override readonly name = 'TestbedError'
  readonly code: string
  readonly parts: ErrorParts

  constructor(code: string, parts: ErrorParts, options?: { cause?: unknown }) {
    super(formatMessage(parts), options)
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

export function formatMessage({ what, subject, why, fix, details = [] }: ErrorParts): string {
  const head = subject === undefined ? `[testbed] ${what}.` : `[testbed] ${what}: ${subject}.`
  const lines = [head, `${withoutPeriod(why)}. ${withoutPeriod(fix)}.`, ...details.map((detail) => `  • ${detail}`)]
  return lines.join('\n')
}

// Causes are quoted inside sentences: "…: spelling.. Fix it." would read as a typo.
function withoutPeriod(text: string): string {
  return text.replace(/\.+$/, '')
}

/** The message of an unknown thrown value, for details lines. */
export function describeCause(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return describeCause(error.errors[0])
  if (error instanceof Error) return error.message || error.constructor.name
  return String(error)
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
