// Paths into a cassette as messages print them and the `allow` option takes them:
// `interactions[0].request.headers["x-api-key"]`, `response.body.json.items[*].sha`.

export type PathSegment = string | number

/** `a.b[0]["x-y"]`: identifiers after a dot, indexes and other keys in brackets. */
export function formatPath(segments: readonly PathSegment[]): string {
  return segments
    .map((segment, index) => {
      if (typeof segment === 'number') return `[${segment}]`
      if (/^[A-Za-z_$][\w$]*$/.test(segment)) return index === 0 ? segment : `.${segment}`
      return `[${JSON.stringify(segment)}]`
    })
    .join('')
}

/** The segments of a path written as `formatPath` writes it; `*` and `[*]` stand for any one segment. */
export function parsePath(path: string): PathSegment[] {
  const segments: PathSegment[] = []
  for (const match of path.matchAll(/\[(\d+|\*|"(?:[^"\\]|\\.)*")\]|\.?([^.[\]]+)/g)) {
    const [, bracketed, plain] = match
    if (plain !== undefined) segments.push(plain)
    else if (bracketed === '*') segments.push('*')
    else if (bracketed?.startsWith('"')) segments.push(JSON.parse(bracketed) as string)
    else segments.push(Number(bracketed))
  }
  return segments
}

/**
 * Places that may keep what looks like a secret. A pattern names a place in each interaction
 * (`response.body.json.sha`, `request.headers["x-request-id"]`; a leading `interactions[n].` is
 * ignored, since re-recording may number them otherwise) and covers everything below it.
 */
export class AllowList {
  readonly #patterns: PathSegment[][]

  constructor(patterns: readonly string[]) {
    this.#patterns = patterns
      .map(parsePath)
      .map((pattern) => (pattern[0] === 'interactions' ? pattern.slice(2) : pattern))
  }

  /** Whether `path`, within an interaction (starting at `request` or `response`), is allowed. */
  allows(path: readonly PathSegment[]): boolean {
    return this.#patterns.some(
      (pattern) =>
        pattern.length <= path.length && pattern.every((segment, i) => segment === '*' || segment === path[i]),
    )
  }
}
