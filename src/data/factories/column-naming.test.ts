import { describe, expect, test } from 'vitest'
import { resolveNaming, sameName, snakeCase } from './column-naming.ts'

describe('column naming', () => {
  test('snakeCase maps camelCase fields to snake_case columns and back', () => {
    expect(['createdAt', 'authorId', 'userID', 'HTMLBody', 'email'].map(snakeCase.column)).toEqual([
      'created_at',
      'author_id',
      'user_id',
      'html_body',
      'email',
    ])
    expect(snakeCase.field('created_at')).toBe('createdAt')
  })

  test('a known field wins over the default inverse, so it comes back as written', () => {
    expect(resolveNaming(undefined, ['userID']).field('user_id')).toBe('userID')
  })

  test('per-field columns, snake_case for the rest; or a naming given whole', () => {
    const naming = resolveNaming({ address: 'email' }, [])
    expect([naming.column('address'), naming.column('createdAt')]).toEqual(['email', 'created_at'])
    expect([naming.field('email'), naming.field('created_at')]).toEqual(['address', 'createdAt'])
    expect(resolveNaming(sameName, []).column('createdAt')).toBe('createdAt')
  })
})
