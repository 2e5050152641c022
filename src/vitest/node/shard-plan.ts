/** A test file to place on a shard. */
export interface ShardItem {
  /** Unique and stable across machines: the Vitest project and the file relative to the project dir. */
  key: string
  /** How long the file took when it last ran, or undefined when `.testbed/durations.json` has no record of it. */
  durationMs: number | undefined
}

/** Every shard's files, as every shard computes them alike from the same inputs. */
export interface ShardPlan {
  /** Keys per shard; shard `i` of `--shard i/n` is `shards[i - 1]`. */
  shards: string[][]
  /** The expected time of each shard: the sum of its files' durations (estimates included). */
  loadsMs: number[]
  /** What a file without a record counts as: the median of the recorded ones (1 ms when none is). */
  estimateMs: number
  unrecorded: number
}

/**
 * Splits files over `count` shards by their recorded durations, longest first, each onto the shard
 * with the least time so far (LPT: never worse than 4/3 of the best split). Files without a record
 * count as the median file, so that with no records at all the files spread evenly by number.
 * Only the inputs decide the result, never their order, so that shards agree without talking.
 * @example
 * planShards([{ key: 'a', durationMs: 90 }, { key: 'b', durationMs: 40 }, { key: 'c', durationMs: 50 }], 2).shards
 * // [['a'], ['c', 'b']]
 */
export function planShards(items: readonly ShardItem[], count: number): ShardPlan {
  const estimateMs = median(items.flatMap((item) => (item.durationMs === undefined ? [] : [item.durationMs]))) ?? 1
  const weighed = items
    .map((item) => ({ key: item.key, ms: item.durationMs ?? estimateMs }))
    .sort((a, b) => b.ms - a.ms || compareKeys(a.key, b.key))
  const shards: string[][] = Array.from({ length: count }, () => [])
  const loadsMs = new Array<number>(count).fill(0)
  for (const { key, ms } of weighed) {
    const lightest = indexOfLeast(loadsMs)
    shards[lightest]?.push(key)
    loadsMs[lightest] = (loadsMs[lightest] ?? 0) + ms
  }
  const unrecorded = items.filter((item) => item.durationMs === undefined).length
  return { shards, loadsMs, estimateMs, unrecorded }
}

// Ties go to the lowest index, so that equal loads fill shards in order.
function indexOfLeast(values: readonly number[]): number {
  let best = 0
  for (let index = 1; index < values.length; index++) {
    if ((values[index] as number) < (values[best] as number)) best = index
  }
  return best
}

// Not localeCompare: shards on machines with different locales must sort alike.
function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
}
