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

/**
 * Runs every variant once per round, in a rotated order, so a slow patch of the machine hits all of them
 * alike; each variant returns named timings. Timings keep their round order, for per-round ratios.
 */
export async function runRounds(
  variants: ReadonlyArray<() => Promise<Record<string, number>>>,
  samples: number,
): Promise<Map<string, number[]>> {
  const results = new Map<string, number[]>()
  for (let round = 0; round < samples; round++) {
    const shift = round % variants.length
    for (const variant of [...variants.slice(shift), ...variants.slice(0, shift)]) {
      for (const [name, ms] of Object.entries(await variant())) results.set(name, [...(results.get(name) ?? []), ms])
    }
    process.stderr.write(`round ${round + 1}/${samples}\n`)
  }
  return results
}

/** Per-round ratios of `times` to `reference` (same round), and their median: steadier than a ratio of medians. */
export function medianRatio(times: number[], reference: number[]): number {
  return percentile(
    times.map((time, round) => time / (reference[round] ?? Number.NaN)),
    0.5,
  )
}
