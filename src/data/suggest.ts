/** Edit distance between two strings (insertions, deletions, substitutions), for "did you mean". */
export function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution))
    }
    previous = current
  }
  return previous[b.length] ?? 0
}

/** The candidate nearest to `name`, if it is near enough to be a likely typo. */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined
  let bestDistance = Number.POSITIVE_INFINITY
  for (const candidate of candidates) {
    const distance = levenshtein(name.toLowerCase(), candidate.toLowerCase())
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance]
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined
}

/** `` `a`, `b`, `c` `` — or `(none)` — in the order given. */
export function listNames(names: Iterable<string>): string {
  const quoted = [...names].map((name) => `\`${name}\``)
  return quoted.length === 0 ? '(none)' : quoted.join(', ')
}

/** `fix`, led by "Did you mean `x`? Otherwise, …" when a candidate is near enough to be a typo. */
export function suggestFix(name: string, candidates: Iterable<string>, fix: string): string {
  const suggestion = closest(name, candidates)
  if (suggestion === undefined) return fix
  return `Did you mean \`${suggestion}\`? Otherwise, ${fix.charAt(0).toLowerCase()}${fix.slice(1)}`
}
