/** Median, mean and 95th percentile of timings in ms. */
export function summarize(samples: number[]): { median: number; mean: number; p95: number } {
  const sorted = [...samples].sort((a, b) => a - b)
  const at = (quantile: number) => sorted[Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))] ?? 0
  return { median: at(0.5), mean: samples.reduce((sum, x) => sum + x, 0) / samples.length, p95: at(0.95) }
}

/** Milliseconds as whole microseconds, right-aligned in a column of 9. */
export function micro(ms: number): string {
  return `${(ms * 1000).toFixed(0)}`.padStart(9)
}
