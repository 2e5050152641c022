import { describe, expect, test } from 'vitest'
import { splitStatements } from '../../transaction/split-statements.ts'
import { advisoryLockCall, notifyCall, sessionStatement } from './session-statement.ts'

function read(sql: string) {
  const [statement] = splitStatements(sql)
  return statement === undefined ? null : sessionStatement(statement)
}

describe('sessionStatement', () => {
  test.each([
    ['SET search_path TO app, public', 'search_path', false],
    ["set session application_name = 'shop'", 'application_name', false],
    ['SET LOCAL statement_timeout = 100', 'statement_timeout', true],
    ["SET TIME ZONE 'UTC'", 'timezone', false],
    ["SET SCHEMA 'app'", 'search_path', false],
    ["SET NAMES 'UTF8'", 'client_encoding', false],
    ['SET ROLE reader', 'role', false],
    ['SET SESSION AUTHORIZATION DEFAULT', 'session_authorization', false],
    ["SET myapp.user_id = '7'", 'myapp.user_id', false],
    ['SET "DateStyle" TO ISO', 'DateStyle', false],
  ])('reads `%s` as a change of %s', (sql, name, local) => {
    expect(read(sql)).toEqual({ kind: 'setting', change: { kind: 'set', name, sql, reset: expect.any(String), local } })
  })

  test('spells the RESET that undoes a SET', () => {
    expect(read("SET myapp.user_id = '7'")).toMatchObject({ change: { reset: 'RESET MYAPP.USER_ID' } })
    expect(read("SET TIME ZONE 'UTC'")).toMatchObject({ change: { reset: 'RESET timezone' } })
  })

  test.each([
    'SET CONSTRAINTS ALL IMMEDIATE',
    'SET TRANSACTION READ ONLY',
    'SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY',
  ])('`%s` is not a session setting', (sql) => {
    expect(read(sql)).toBeNull()
  })

  test('reads RESET and RESET ALL', () => {
    expect(read('RESET search_path')).toEqual({
      kind: 'setting',
      change: { kind: 'reset', name: 'search_path', reset: 'RESET SEARCH_PATH' },
    })
    expect(read('reset all')).toEqual({ kind: 'setting', change: { kind: 'reset-all' } })
  })

  test('reads LISTEN and UNLISTEN channels, folding bare names to lower case', () => {
    expect(read('LISTEN Orders')).toEqual({ kind: 'listen', channel: 'orders' })
    expect(read('LISTEN "Orders"')).toEqual({ kind: 'listen', channel: 'Orders' })
    expect(read('UNLISTEN orders')).toEqual({ kind: 'unlisten', channel: 'orders' })
    expect(read('UNLISTEN *')).toEqual({ kind: 'unlisten', channel: null })
  })

  test('reads NOTIFY with and without a payload', () => {
    expect(read('NOTIFY orders')).toEqual({ kind: 'notify', channel: 'orders', payload: '' })
    expect(read("NOTIFY orders, 'it''s 42'")).toEqual({ kind: 'notify', channel: 'orders', payload: "it's 42" })
    expect(read("NOTIFY orders, E'a\\nb'")).toEqual({ kind: 'notify', channel: 'orders', payload: 'a\nb' })
  })

  test('reads DEALLOCATE ALL, and leaves DEALLOCATE of one statement alone', () => {
    expect(read('DEALLOCATE ALL')).toEqual({ kind: 'deallocate-all' })
    expect(read('DEALLOCATE PREPARE ALL')).toEqual({ kind: 'deallocate-all' })
    expect(read('DEALLOCATE q1')).toBeNull()
  })
})

describe('notifyCall', () => {
  test('reads SELECT pg_notify with parameters or literals', () => {
    expect(notifyCall('select pg_notify($1, $2)')).toEqual({
      kind: 'notify-call',
      channel: { parameter: 1 },
      payload: { parameter: 2 },
    })
    expect(notifyCall("SELECT pg_notify('Orders', 'it''s')")).toEqual({
      kind: 'notify-call',
      channel: { value: 'Orders' },
      payload: { value: "it's" },
    })
  })

  test('leaves other uses of pg_notify alone', () => {
    expect(notifyCall('SELECT pg_notify(channel, payload) FROM outbox')).toBeNull()
  })
})

describe('advisoryLockCall', () => {
  test.each([
    'SELECT pg_advisory_lock(42)',
    'select pg_try_advisory_lock($1) as locked',
    'SELECT pg_advisory_unlock(1, 2)',
    "SELECT pg_advisory_lock_shared(hashtext('jobs'))",
    'SELECT pg_advisory_unlock_all()',
  ])('reads `%s` as a session advisory lock call', (sql) => {
    expect(advisoryLockCall(sql)).toEqual({ kind: 'advisory-lock' })
  })

  test.each(['SELECT pg_advisory_xact_lock(1)', 'SELECT pg_advisory_lock(id) FROM jobs'])(
    'leaves `%s` alone',
    (sql) => {
      expect(advisoryLockCall(sql)).toBeNull()
    },
  )
})
