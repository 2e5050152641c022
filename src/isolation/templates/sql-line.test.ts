import { describe, expect, test } from 'vitest'
import { lineAt, lineText } from './sql-line.ts'

describe('lineAt', () => {
  test('finds the line of a position on the first line', () => {
    expect(lineAt('SELECT 1;', 1)).toBe(1)
  })

  test('counts the newlines before the position', () => {
    expect(lineAt('CREATE TABLE a ();\n\nCREATE TABL b ();', 21)).toBe(3)
  })

  test('counts characters, not UTF-16 units, as PostgreSQL does', () => {
    // 🐘 is one character but two UTF-16 units: "SELEC" starts at character 18.
    expect(lineAt("-- 🐘\nSELECT 'é';\nSELEC 2;", 18)).toBe(3)
  })

  test('a position past the end stays on the last line', () => {
    expect(lineAt('a\nb', 99)).toBe(2)
  })
})

describe('lineText', () => {
  test('trims the line and shortens long ones', () => {
    expect(lineText('a\n   CREATE TABL b ();  \r', 2)).toBe('CREATE TABL b ();')
    expect(lineText(`x${'y'.repeat(200)}`, 1, 10)).toBe('xyyyyyyyy…')
  })
})
