import { describe, expect, test } from 'vitest'
import { splitStatements } from './split-statements.ts'

const texts = (sql: string) => splitStatements(sql).map((statement) => statement.text)
const words = (sql: string) => splitStatements(sql).map((statement) => statement.words)

describe('splitStatements', () => {
  test('splits on top-level semicolons and drops empty statements', () => {
    expect(texts(';; BEGIN ;\n INSERT INTO t VALUES (1);;COMMIT;  ')).toEqual([
      'BEGIN',
      'INSERT INTO t VALUES (1)',
      'COMMIT',
    ])
  })

  test('upper-cases bare words and drops comments', () => {
    expect(words('-- lead\n/* block /* nested */ still */ begin  isolation level serializable')).toEqual([
      ['BEGIN', 'ISOLATION', 'LEVEL', 'SERIALIZABLE'],
    ])
  })

  test('keeps semicolons inside strings, quoted identifiers and dollar quotes', () => {
    const sql = `SELECT 'a;''b', E'c\\';d', "e;""f", $$g;h$$, $tag$ i; $$ j $tag$; COMMIT`
    expect(texts(sql)).toEqual([`SELECT 'a;''b', E'c\\';d', "e;""f", $$g;h$$, $tag$ i; $$ j $tag$`, 'COMMIT'])
    expect(words(sql)[0]).toEqual(['SELECT', "'", ',', "'", ',', '"e;""f"', ',', "'", ',', "'"])
  })

  test('keeps a semicolon inside a comment', () => {
    expect(texts('SELECT 1 -- not; the end\n; /* nor; this */ SELECT 2')).toEqual([
      'SELECT 1 -- not; the end',
      '/* nor; this */ SELECT 2',
    ])
  })

  test('reads $1 as a parameter, not a dollar quote', () => {
    expect(texts('SELECT $1; SELECT $2')).toEqual(['SELECT $1', 'SELECT $2'])
  })

  test('keeps a BEGIN ATOMIC function body with its semicolons in one statement', () => {
    const create =
      'CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 2 END; END'
    expect(texts(`${create}; COMMIT`)).toEqual([create, 'COMMIT'])
  })

  test('returns nothing for whitespace and comments only', () => {
    expect(splitStatements('  -- nothing\n /* here */ ; ')).toEqual([])
  })

  test('tolerates an unterminated string or comment', () => {
    expect(texts("SELECT 'open")).toEqual(["SELECT 'open"])
    expect(texts('SELECT 1 /* open')).toEqual(['SELECT 1 /* open'])
  })
})
