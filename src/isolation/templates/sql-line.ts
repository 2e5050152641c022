/**
 * The 1-based line holding a 1-based position as PostgreSQL reports it: counted in characters
 * (code points), not bytes or UTF-16 units.
 */
export function lineAt(text: string, position: number): number {
  let line = 1
  let index = 1
  for (const char of text) {
    if (index >= position) break
    if (char === '\n') line++
    index++
  }
  return line
}

/** A line's text, trimmed and shortened for a message. */
export function lineText(text: string, line: number, max = 120): string {
  const content = (text.split('\n')[line - 1] ?? '').trim()
  return content.length > max ? `${content.slice(0, max - 1)}…` : content
}
