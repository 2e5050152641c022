/** One statement of a SQL string: its source text and its words, to classify it without a parser. */
export interface SqlStatement {
  /** The statement's source, without the `;` that ends it and without surrounding whitespace. */
  readonly text: string
  /**
   * Its tokens in order: bare words upper-cased, `"quoted identifiers"` kept as written, every
   * string or dollar-quoted literal as `'`, and other symbols as themselves. Comments are dropped.
   */
  readonly words: readonly string[]
}

interface Scan {
  readonly sql: string
  index: number
}

const SPACE = /\s/
const WORD_START = /[A-Za-z_\u0080-\uffff]/
const WORD_PART = /[A-Za-z0-9_$\u0080-\uffff]/
const DOLLAR_TAG = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y

/**
 * Splits a SQL string into its statements the way PostgreSQL reads them: a `;` inside a string,
 * a quoted identifier, a dollar-quoted body, a comment or a `BEGIN ATOMIC … END` body ends nothing.
 * Statements with no words (only whitespace, comments or `;`) are dropped.
 */
export function splitStatements(sql: string): SqlStatement[] {
  const scan: Scan = { sql, index: 0 }
  const statements: SqlStatement[] = []
  let start = 0
  let words: string[] = []
  // psql's rule (psqlscan.l): inside a CREATE statement, BEGIN and CASE open a body that END closes.
  let bodyDepth = 0
  while (scan.index < sql.length) {
    const word = nextToken(scan)
    if (word === undefined) continue
    if (word === ';' && bodyDepth === 0) {
      if (words.length > 0) statements.push({ text: sql.slice(start, scan.index - 1).trim(), words })
      words = []
      start = scan.index
      continue
    }
    if (words[0] === 'CREATE') bodyDepth = nextBodyDepth(bodyDepth, word)
    words.push(word)
  }
  if (words.length > 0) statements.push({ text: sql.slice(start).trim(), words })
  return statements
}

function nextBodyDepth(depth: number, word: string): number {
  if (word === 'BEGIN' || word === 'CASE') return depth + 1
  if (word === 'END' && depth > 0) return depth - 1
  return depth
}

/** Reads one token at `scan.index`; `undefined` for whitespace and comments. */
function nextToken(scan: Scan): string | undefined {
  const { sql } = scan
  const char = sql.charAt(scan.index)
  const next = sql.charAt(scan.index + 1)
  if (SPACE.test(char)) return skip(scan, 1)
  if (char === '-' && next === '-') return skipLineComment(scan)
  if (char === '/' && next === '*') return skipBlockComment(scan)
  if (char === "'") return readString(scan, false)
  if ((char === 'E' || char === 'e') && next === "'") return readString(scan, true, 1)
  if (char === '"') return readQuotedIdentifier(scan)
  if (char === '$') return readDollar(scan)
  if (WORD_START.test(char)) return readWord(scan)
  scan.index++
  return char
}

function skip(scan: Scan, length: number): undefined {
  scan.index += length
  return undefined
}

function skipLineComment(scan: Scan): undefined {
  const end = scan.sql.indexOf('\n', scan.index)
  scan.index = end === -1 ? scan.sql.length : end + 1
  return undefined
}

// PostgreSQL block comments nest, unlike C's.
function skipBlockComment(scan: Scan): undefined {
  let depth = 0
  const { sql } = scan
  while (scan.index < sql.length) {
    const pair = sql.slice(scan.index, scan.index + 2)
    if (pair === '/*') depth++
    if (pair === '*/') depth--
    scan.index += pair === '/*' || pair === '*/' ? 2 : 1
    if (depth === 0) break
  }
  return undefined
}

function readString(scan: Scan, backslashEscapes: boolean, prefix = 0): string {
  const { sql } = scan
  scan.index += prefix + 1
  while (scan.index < sql.length) {
    const char = sql.charAt(scan.index)
    if (backslashEscapes && char === '\\') scan.index += 2
    else if (char === "'" && sql.charAt(scan.index + 1) === "'") scan.index += 2
    else if (char === "'") break
    else scan.index++
  }
  scan.index++
  return "'"
}

function readQuotedIdentifier(scan: Scan): string {
  const { sql } = scan
  const start = scan.index
  scan.index++
  while (scan.index < sql.length) {
    if (sql.charAt(scan.index) === '"' && sql.charAt(scan.index + 1) === '"') scan.index += 2
    else if (sql.charAt(scan.index) === '"') break
    else scan.index++
  }
  scan.index++
  return sql.slice(start, scan.index)
}

/** `$1` is a parameter; `$$ … $$` and `$tag$ … $tag$` are dollar-quoted literals. */
function readDollar(scan: Scan): string {
  DOLLAR_TAG.lastIndex = scan.index
  const tag = DOLLAR_TAG.exec(scan.sql)?.[0]
  if (tag === undefined) {
    scan.index++
    return '$'
  }
  const end = scan.sql.indexOf(tag, scan.index + tag.length)
  scan.index = end === -1 ? scan.sql.length : end + tag.length
  return "'"
}

function readWord(scan: Scan): string {
  const start = scan.index
  while (scan.index < scan.sql.length && WORD_PART.test(scan.sql.charAt(scan.index))) scan.index++
  return scan.sql.slice(start, scan.index).toUpperCase()
}
