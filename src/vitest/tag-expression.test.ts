import { describe, expect, test } from 'vitest'
import {
  assertKnownTags,
  canSelectTag,
  matchesTags,
  narrowTag,
  parseTagExpression,
  selectsTag,
  toTagsFilter,
  widenTag,
} from './tag-expression.ts'

const KNOWN = ['unit', 'integration', 'slow', 'smoke', 'api/users', 'api/orders']
const filter = (text: string) => toTagsFilter(parseTagExpression(text))

describe('widenTag', () => {
  test('reads integration as integration or the suite’s own integration tags, wherever it stands', () => {
    const widen = (text: string) => toTagsFilter(widenTag(parseTagExpression(text), 'integration', ['db', 'pg']))
    expect(widen('not integration')).toBe('!(integration || db || pg)')
    expect(widen('integration and not slow')).toBe('(integration || db || pg) && !slow')
    expect(widen('unit or slow')).toBe('unit || slow')
    expect(toTagsFilter(widenTag(parseTagExpression('integration'), 'integration', []))).toBe('integration')
  })
})

describe('narrowTag', () => {
  test('reads unit as a unit test that carries no integration tag, wherever it stands', () => {
    const integration = parseTagExpression('integration')
    const narrow = (text: string) => toTagsFilter(narrowTag(parseTagExpression(text), 'unit', integration))
    expect(narrow('unit')).toBe('unit && !integration')
    expect(narrow('not unit')).toBe('!(unit && !integration)')
    expect(narrow('unit or slow')).toBe('unit && !integration || slow')
    expect(narrow('integration and not slow')).toBe('integration && !slow')
  })
})

describe('toTagsFilter', () => {
  test.for([
    ['integration', 'integration'],
    ['not slow', '!slow'],
    ['integration and not slow', 'integration && !slow'],
    ['unit or integration', 'unit || integration'],
    ['(unit or integration) and not slow', '(unit || integration) && !slow'],
    ['unit or integration and not slow', 'unit || integration && !slow'],
    ['not (unit or slow)', '!(unit || slow)'],
    ['not not slow', '!!slow'],
    ['integration && !slow', 'integration && !slow'],
    ['NOT slow AND unit', '!slow && unit'],
    ['not(slow)', '!slow'],
    ['api/*', 'api/*'],
    ['((smoke))', 'smoke'],
  ])('translates the pytest expression %j to Vitest tag filter %j', ([input, output]) => {
    expect(filter(input as string)).toBe(output)
  })
})

describe('parseTagExpression errors', () => {
  const fix =
    'Join marker names with `and`, `or` and `not`, grouping with parentheses, as in `-m "integration and not slow"`.'
  test.for([
    ['integration and', 'It ends where a marker name or `(` should follow'],
    ['', 'It ends where a marker name or `(` should follow'],
    ['(unit or slow', 'A `(` is never closed'],
    ['unit slow', '`slow` follows a complete expression'],
    ['unit)', '`)` follows a complete expression'],
    ['and unit', '`and` stands where a marker name or `(` should'],
    ['unit & slow', '`&` is not an operator (use `and`, `or`, `not`)'],
  ])('rejects %j: %s', ([input, why]) => {
    expect(() => parseTagExpression(input as string)).toThrow(
      `[testbed] Invalid marker expression in -m: \`${input}\`.\n${why}. ${fix}`,
    )
  })
})

describe('assertKnownTags', () => {
  test('fails on an undeclared marker, listing the known ones', () => {
    expect(() => assertKnownTags(parseTagExpression('integration and not fast'), KNOWN)).toThrow(
      '[testbed] Unknown marker in -m: `fast`.\n' +
        "Only declared tags can be markers, as with pytest --strict-markers. Declare it in testbed.config.ts (`tags: ['fast']`), or correct its spelling.\n" +
        '  • known markers: unit, integration, slow, smoke, api/users, api/orders',
    )
  })

  test('accepts a pattern that matches a known tag, and rejects one that matches none', () => {
    expect(() => assertKnownTags(parseTagExpression('api/*'), KNOWN)).not.toThrow()
    expect(() => assertKnownTags(parseTagExpression('web/*'), KNOWN)).toThrow('Unknown marker in -m: `web/*`.')
  })
})

describe('matchesTags', () => {
  const matches = (text: string, tags: string[]) => matchesTags(parseTagExpression(text), new Set(tags))
  test('evaluates operators and patterns against a test’s tags', () => {
    expect(matches('integration and not slow', ['integration'])).toBe(true)
    expect(matches('integration and not slow', ['integration', 'slow'])).toBe(false)
    expect(matches('unit or smoke', ['smoke'])).toBe(true)
    expect(matches('api/*', ['api/users'])).toBe(true)
    expect(matches('api/*', ['apix'])).toBe(false)
  })
})

describe('canSelectTag', () => {
  const can = (filters: string[]) =>
    canSelectTag(
      filters.map((text) => parseTagExpression(text)),
      KNOWN,
      'integration',
    )
  test.for([
    [['not slow'], true],
    [['integration'], true],
    [['not integration'], false],
    [['unit'], true],
    [['!integration || slow'], true],
    [['!integration && slow'], false],
    [['slow', 'not integration'], false],
    [['(integration or smoke) and not (integration and slow)'], true],
    [['not i*'], false],
    [[], true],
  ] as const)('with filters %j, an integration test can be selected: %s', ([filters, expected]) => {
    expect(can([...filters])).toBe(expected)
  })
})

describe('selectsTag', () => {
  const selects = (text: string) => selectsTag(parseTagExpression(text), KNOWN, 'integration')
  test('is true only when the expression names integration and lets an integration test through', () => {
    expect(selects('integration')).toBe(true)
    expect(selects('integration and not slow')).toBe(true)
    expect(selects('smoke or integration')).toBe(true)
    expect(selects('inte*')).toBe(true)
    expect(selects('not integration')).toBe(false)
    expect(selects('not slow')).toBe(false)
    expect(selects('unit')).toBe(false)
  })
})
