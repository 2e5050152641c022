import { describe, expect, test } from 'vitest'
import { describeStatement, labelFromServerMessage } from './transaction-errors.ts'

describe('describeStatement', () => {
  test('puts a statement on one line, in backticks', () => {
    expect(describeStatement('  SELECT *\n  FROM items\n')).toBe('`SELECT * FROM items`')
  })

  test('cuts a long statement at 120 characters', () => {
    const described = describeStatement(`SELECT '${'x'.repeat(200)}'`)
    expect(described).toHaveLength(122)
    expect(described.endsWith('…`')).toBe(true)
  })

  test('names an empty query', () => {
    expect(describeStatement('  ')).toBe('(empty query)')
  })
})

describe('labelFromServerMessage', () => {
  test('reads the statement PostgreSQL names in its own message', () => {
    expect(labelFromServerMessage('REINDEX CONCURRENTLY cannot run inside a transaction block', 'reindex …')).toBe(
      'REINDEX CONCURRENTLY',
    )
  })

  test('falls back to the first two words of the statement for a message in another language', () => {
    expect(labelFromServerMessage('VACUUM ne peut pas être exécuté dans un bloc de transaction', 'vacuum full t')).toBe(
      'VACUUM FULL',
    )
  })
})
