// Shared by the benchmarks: medians and p90s of named timings, printed as a table.

/** Nearest rank: with few samples, report a value that was actually observed (p90 of 7 is the slowest). */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN
}

/** `variant  median  p90`, one row per name, `digits` decimals of milliseconds. */
export function printTimingsTable(results: Map<string, number[]>, width: number, digits = 0): void {
  const ms = (value: number) => `${value.toFixed(digits)} ms`
  const row = (name: string, median: string, p90: string) =>
    `${name.padEnd(width)}${median.padStart(10)}${p90.padStart(10)}`
  console.log(row('variant', 'median', 'p90'))
  for (const [name, values] of results) console.log(row(name, ms(percentile(values, 0.5)), ms(percentile(values, 0.9))))
}
