/** A duration as people write it in config: `'300ms'`, `'45s'`, `'5m'`, `'1h'`, or a number of milliseconds. */
export type Duration = `${number}${'ms' | 's' | 'm' | 'h'}` | number

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }
const PATTERN = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/

/** Milliseconds for a duration, or null when it is not one (negative, not finite, unknown unit). */
export function parseDuration(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : null
  if (typeof value !== 'string') return null
  const match = PATTERN.exec(value.trim())
  if (!match) return null
  return Number(match[1]) * (UNITS[match[2] as string] as number)
}

/** `250 ms`, `45.0 s`, `5m 03s`: short and readable in a summary line. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  const minutes = Math.floor(ms / 60_000)
  const seconds = Math.round((ms % 60_000) / 1000)
  return `${minutes}m ${String(seconds).padStart(2, '0')}s`
}
