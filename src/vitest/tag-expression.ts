import { TestbedError } from '../core/errors.ts'

/** A parsed marker / tag-filter expression. */
export type TagExpression =
  | { type: 'tag'; name: string }
  | { type: 'not'; operand: TagExpression }
  | { type: 'and' | 'or'; left: TagExpression; right: TagExpression }

type Token = { type: 'name'; value: string } | { type: 'and' | 'or' | 'not' | '(' | ')' | 'end' }

const SYMBOLS: Record<string, Token['type']> = { '&&': 'and', '||': 'or', '!': 'not', '(': '(', ')': ')' }
const KEYWORDS = new Set(['and', 'or', 'not'])
// What ends a name in Vitest's tag filter, too.
const NAME_END = /[\s()!&|]/
const EXAMPLE = 'as in `-m "integration and not slow"`'

/**
 * Reads a pytest marker expression (`integration and not slow`, parentheses) or Vitest's tag filter
 * syntax (`integration && !slow`); both may mix. `source` names where it came from, for errors.
 */
export function parseTagExpression(text: string, source = '-m'): TagExpression {
  const tokens = tokenize(text)
  const parser = new Parser(tokens, text, source)
  const expression = parser.or()
  parser.expectEnd()
  return expression
}

/** The expression in Vitest's `--tags-filter` syntax, with only the parentheses it needs. */
export function toTagsFilter(expression: TagExpression, parentPrecedence = 0): string {
  const precedence = { or: 1, and: 2, not: 3, tag: 4 }[expression.type]
  let text: string
  if (expression.type === 'tag') text = expression.name
  else if (expression.type === 'not') text = `!${toTagsFilter(expression.operand, precedence)}`
  else {
    const operator = expression.type === 'and' ? '&&' : '||'
    text = `${toTagsFilter(expression.left, precedence)} ${operator} ${toTagsFilter(expression.right, precedence)}`
  }
  return precedence < parentPrecedence ? `(${text})` : text
}

/**
 * The expression with the tag `name` read as `name` or any of `alike`: with
 * `integrationTests.tags: ['db']`, `-m "not integration"` leaves out the `db` tests too.
 */
export function widenTag(expression: TagExpression, name: string, alike: readonly string[]): TagExpression {
  if (expression.type === 'tag') {
    if (expression.name !== name) return expression
    return alike.reduce<TagExpression>(
      (left, tag) => ({ type: 'or', left, right: { type: 'tag', name: tag } }),
      expression,
    )
  }
  if (expression.type === 'not') return { type: 'not', operand: widenTag(expression.operand, name, alike) }
  return { ...expression, left: widenTag(expression.left, name, alike), right: widenTag(expression.right, name, alike) }
}

/**
 * The expression with the tag `name` read as `name and not unless`: a test in a unit file that
 * carries `integration` is an integration test, so `-m unit` leaves it out.
 */
export function narrowTag(expression: TagExpression, name: string, unless: TagExpression): TagExpression {
  if (expression.type === 'tag') {
    if (expression.name !== name) return expression
    return { type: 'and', left: expression, right: { type: 'not', operand: unless } }
  }
  if (expression.type === 'not') return { type: 'not', operand: narrowTag(expression.operand, name, unless) }
  return {
    ...expression,
    left: narrowTag(expression.left, name, unless),
    right: narrowTag(expression.right, name, unless),
  }
}

/** The tag names and patterns an expression mentions, in order of appearance. */
export function tagNames(expression: TagExpression): string[] {
  if (expression.type === 'tag') return [expression.name]
  if (expression.type === 'not') return tagNames(expression.operand)
  return [...tagNames(expression.left), ...tagNames(expression.right)]
}

/** Whether a test carrying exactly `tags` matches. A name with `*` is a pattern, as in Vitest. */
export function matchesTags(expression: TagExpression, tags: ReadonlySet<string>): boolean {
  switch (expression.type) {
    case 'tag':
      return expression.name.includes('*')
        ? [...tags].some((tag) => patternMatches(expression.name, tag))
        : tags.has(expression.name)
    case 'not':
      return !matchesTags(expression.operand, tags)
    case 'and':
      return matchesTags(expression.left, tags) && matchesTags(expression.right, tags)
    case 'or':
      return matchesTags(expression.left, tags) || matchesTags(expression.right, tags)
  }
}

export function patternMatches(pattern: string, tag: string): boolean {
  if (!pattern.includes('*')) return pattern === tag
  const source = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')
  return new RegExp(`^${source}$`).test(tag)
}

/** Fails naming the first tag (or pattern) of the expression that matches no known tag. */
export function assertKnownTags(expression: TagExpression, known: readonly string[], source = '-m'): void {
  for (const name of tagNames(expression)) {
    if (known.some((tag) => patternMatches(name, tag))) continue
    throw new TestbedError('TESTBED_MARKER_UNKNOWN', {
      what: `Unknown marker in ${source}`,
      subject: `\`${name}\``,
      why: 'Only declared tags can be markers, as with pytest --strict-markers',
      fix: `Declare it in testbed.config.ts (\`tags: ['${name.replaceAll('*', '')}']\`), or correct its spelling`,
      details: [`known markers: ${known.join(', ')}`],
    })
  }
}

/**
 * Whether some test carrying `tag` (and any other known tags) passes every filter. Tags the
 * filters do not mention cannot change the answer, so only the mentioned ones are tried.
 */
export function canSelectTag(filters: readonly TagExpression[], known: readonly string[], tag: string): boolean {
  const mentioned = filters.flatMap(tagNames)
  const relevant = known.filter((name) => name !== tag && mentioned.some((pattern) => patternMatches(pattern, name)))
  // 2^16 combinations is still instant; past that, assume it can (the safe answer: services start).
  if (relevant.length > 16) return true
  for (let mask = 0; mask < 2 ** relevant.length; mask++) {
    const tags = new Set([tag, ...relevant.filter((_, index) => mask & (2 ** index))])
    if (filters.every((filter) => matchesTags(filter, tags))) return true
  }
  return false
}

/** Whether `-m EXPR` asks for tests with `tag`: it names the tag and some test with it can match. */
export function selectsTag(expression: TagExpression, known: readonly string[], tag: string): boolean {
  const names = tagNames(expression)
  return names.some((name) => patternMatches(name, tag)) && canSelectTag([expression], known, tag)
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  let index = 0
  while (index < text.length) {
    const char = text[index] as string
    if (/\s/.test(char)) {
      index++
      continue
    }
    const symbol = SYMBOLS[text.slice(index, index + 2)] ?? SYMBOLS[char]
    if (symbol) {
      tokens.push({ type: symbol } as Token)
      index += text.startsWith('&&', index) || text.startsWith('||', index) ? 2 : 1
      continue
    }
    let end = index
    while (end < text.length && !NAME_END.test(text[end] as string)) end++
    // A lone `&` or `|` is neither an operator nor part of a name.
    if (end === index) end++
    const word = text.slice(index, end)
    tokens.push(
      KEYWORDS.has(word.toLowerCase()) ? ({ type: word.toLowerCase() } as Token) : { type: 'name', value: word },
    )
    index = end
  }
  tokens.push({ type: 'end' })
  return tokens
}

class Parser {
  #position = 0
  readonly #tokens: Token[]
  readonly #text: string
  readonly #source: string

  constructor(tokens: Token[], text: string, source: string) {
    this.#tokens = tokens
    this.#text = text
    this.#source = source
  }

  or(): TagExpression {
    let left = this.and()
    while (this.#peek().type === 'or') {
      this.#position++
      left = { type: 'or', left, right: this.and() }
    }
    return left
  }

  and(): TagExpression {
    let left = this.unary()
    while (this.#peek().type === 'and') {
      this.#position++
      left = { type: 'and', left, right: this.unary() }
    }
    return left
  }

  unary(): TagExpression {
    if (this.#peek().type !== 'not') return this.primary()
    this.#position++
    return { type: 'not', operand: this.unary() }
  }

  primary(): TagExpression {
    const token = this.#tokens[this.#position++] as Token
    if (token.type === 'name' && !isStrayOperator(token)) return { type: 'tag', name: token.value }
    if (token.type === '(') {
      const inner = this.or()
      if (this.#tokens[this.#position++]?.type !== ')') throw this.#invalid('A `(` is never closed')
      return inner
    }
    if (token.type === 'end') throw this.#invalid('It ends where a marker name or `(` should follow')
    throw this.#unexpected(token, 'stands where a marker name or `(` should')
  }

  expectEnd(): void {
    const token = this.#peek()
    if (token.type !== 'end') throw this.#unexpected(token, 'follows a complete expression')
  }

  #unexpected(token: Token, why: string): TestbedError {
    if (isStrayOperator(token))
      return this.#invalid(`\`${describe(token)}\` is not an operator (use \`and\`, \`or\`, \`not\`)`)
    return this.#invalid(`\`${describe(token)}\` ${why}`)
  }

  #peek(): Token {
    return this.#tokens[this.#position] as Token
  }

  #invalid(why: string): TestbedError {
    return new TestbedError('TESTBED_MARKER_INVALID', {
      what: `Invalid marker expression in ${this.#source}`,
      subject: `\`${this.#text}\``,
      why,
      fix: `Join marker names with \`and\`, \`or\` and \`not\`, grouping with parentheses, ${EXAMPLE}`,
    })
  }
}

function isStrayOperator(token: Token): boolean {
  return token.type === 'name' && /[&|]/.test(token.value)
}

function describe(token: Token): string {
  return token.type === 'name' ? token.value : token.type
}
