import { fileURLToPath } from 'node:url'

/** A place in a source file, 1-based, as editors and terminals link it: `file:line:column`. */
export interface SourceLocation {
  file: string
  line: number
  column: number | null
}

export function formatLocation({ file, line, column }: SourceLocation): string {
  return column === null ? `${file}:${line}` : `${file}:${line}:${column}`
}

/**
 * Where in `file` an error thrown while importing it arose: the location a parser put in its
 * message (jiti: `ParseError: Unexpected token ','. \n /path/file.ts:4:18`), Node's SyntaxError
 * header (`/path/file.ts:4`), or the first stack frame inside the file. Null when none names it.
 */
export function locationIn(file: string, error: unknown): SourceLocation | null {
  if (!(error instanceof Error)) return null
  const texts = [error.message, error.stack ?? '']
  for (const text of texts) {
    for (const line of text.split('\n')) {
      const found = parseLocation(line, file)
      if (found) return found
    }
  }
  return null
}

// `at fn (/path/file.ts:4:9)`, `at file:///path/file.ts:4:9`, ` /path/file.ts:4:18`, `/path/file.ts:4`.
const PLACE = /(file:\/\/\S+?|\/\S+?):(\d+)(?::(\d+))?\)?\s*$/

function parseLocation(text: string, file: string): SourceLocation | null {
  const match = PLACE.exec(text)
  if (!match?.[1] || !match[2]) return null
  const path = match[1].startsWith('file://') ? fileURLToPath(match[1]) : match[1]
  if (path !== file) return null
  return { file, line: Number(match[2]), column: match[3] ? Number(match[3]) : null }
}

/** A parser's message without the location it appends: `Unexpected token ','`. */
export function withoutLocation(message: string, file: string): string {
  return message
    .split('\n')
    .filter((line) => parseLocation(line, file) === null)
    .join(' ')
    .replace(/^(?:Error: )?ParseError: /, '')
    .trim()
}
