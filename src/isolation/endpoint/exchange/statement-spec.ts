import { type ParseMessage, parseText, readParse } from '../wire/frontend-messages.ts'
import { type IntendedStatement, intentsOf, startsCopyIn } from './statement-intent.ts'

/** A prepared statement as a client made it: what it Parsed, and what the statement means. */
export interface StatementSpec {
  /** The Parse message's body after the statement name: the query text and the parameter types. */
  readonly tail: Buffer
  /** `tail` as a string, the key under which server sessions keep the statement. */
  readonly key: string
  readonly statement: IntendedStatement
  /** The statement may start COPY FROM STDIN. */
  readonly copiesIn: boolean
}

const MAX_CACHED = 2000
const cache = new Map<string, StatementSpec>()
// The Parse messages read last, by identity: a unit's are read twice in a row (its traits, then its
// translation). A WeakMap did the same at a measurable cost per query (new keys every time).
const RECENT = 16
const recentMessages: Array<Buffer | undefined> = new Array(RECENT)
const recentParses: Array<{ name: string; spec: StatementSpec }> = new Array(RECENT)
let recentNext = 0

/** The statement name and spec of a Parse message, read once however often it is asked for in a row. */
export function parsed(message: Buffer): { name: string; spec: StatementSpec } {
  const index = recentMessages.indexOf(message)
  if (index !== -1) return recentParses[index] as { name: string; spec: StatementSpec }
  const parse = readParse(message)
  const known = { name: parse.name, spec: specOf(parse) }
  recentMessages[recentNext] = message
  recentParses[recentNext] = known
  recentNext = (recentNext + 1) % RECENT
  return known
}

/**
 * The spec of a Parse message. Apps send the same few statements again and again (pg re-Parses
 * every unnamed query), so specs are kept by content and classified once.
 */
export function specOf(parse: ParseMessage): StatementSpec {
  const key = parse.tail.toString('latin1')
  const cached = cache.get(key)
  if (cached !== undefined) return cached
  const text = parseText(parse.tail)
  const spec = { tail: Buffer.from(parse.tail), key, statement: soleStatement(text), copiesIn: startsCopyIn(text) }
  if (cache.size >= MAX_CACHED) cache.clear()
  cache.set(key, spec)
  return spec
}

// A prepared statement holds one statement; PostgreSQL refuses more, so those are plain to us.
function soleStatement(text: string): IntendedStatement {
  const statements = intentsOf(text)
  const [only] = statements
  return statements.length === 1 && only !== undefined ? only : { text, intent: { kind: 'plain' } }
}
