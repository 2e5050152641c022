/** Lines longer than this are compared whole but cut when shown. */
const SHOWN_LINE_LENGTH = 200

/**
 * A line diff of `before` → `after` (longest common subsequence): unchanged lines start with two
 * spaces, removed ones with `- `, added ones with `+ `.
 */
export function lineDiff(before: readonly string[], after: readonly string[]): string[] {
  const lengths = commonLengths(before, after)
  const lines: string[] = []
  let i = 0
  let j = 0
  while (i < before.length || j < after.length) {
    if (i < before.length && j < after.length && before[i] === after[j]) {
      lines.push(`  ${cut(before[i++])}`)
      j++
    } else if (i < before.length && (j === after.length || (lengths[i + 1]?.[j] ?? 0) >= (lengths[i]?.[j + 1] ?? 0))) {
      // Removals before additions, so a changed line reads `- old` then `+ new`.
      lines.push(`- ${cut(before[i++])}`)
    } else {
      lines.push(`+ ${cut(after[j++])}`)
    }
  }
  return lines
}

/** How many lines differ: the distance used to find the nearest recorded request. */
export function changedLineCount(before: readonly string[], after: readonly string[]): number {
  const common = commonLengths(before, after)[0]?.[0] ?? 0
  return before.length + after.length - 2 * common
}

/** lengths[i][j] = length of the longest common subsequence of before[i..] and after[j..]. */
function commonLengths(before: readonly string[], after: readonly string[]): number[][] {
  const lengths = Array.from({ length: before.length + 1 }, () => new Array<number>(after.length + 1).fill(0))
  for (let i = before.length - 1; i >= 0; i--) {
    const row = lengths[i] as number[]
    const next = lengths[i + 1] as number[]
    for (let j = after.length - 1; j >= 0; j--) {
      row[j] = before[i] === after[j] ? (next[j + 1] ?? 0) + 1 : Math.max(next[j] ?? 0, row[j + 1] ?? 0)
    }
  }
  return lengths
}

function cut(line: string | undefined): string {
  if (line === undefined) return ''
  return line.length > SHOWN_LINE_LENGTH ? `${line.slice(0, SHOWN_LINE_LENGTH)}…` : line
}
