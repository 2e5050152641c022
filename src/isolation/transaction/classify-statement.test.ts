import { describe, expect, test } from 'vitest'
import { classifySql, type StatementKind } from './classify-statement.ts'

function kindOf(sql: string): StatementKind | undefined {
  const statements = classifySql(sql)
  expect(statements).toHaveLength(1)
  return statements[0]?.kind
}

describe('classifySql', () => {
  test.each([
    'BEGIN',
    'begin',
    'BEGIN WORK',
    'Begin Transaction',
    'BEGIN ISOLATION LEVEL SERIALIZABLE, READ ONLY, DEFERRABLE',
    'START TRANSACTION',
    'start transaction isolation level repeatable read read write',
    '  ;; -- the app starts\n /* a */ BEGIN ; ',
  ])('reads %j as BEGIN', (sql) => {
    expect(kindOf(sql)).toEqual({ kind: 'begin' })
  })

  test.each(['COMMIT', 'commit work', 'COMMIT TRANSACTION AND NO CHAIN', 'END', 'end transaction;'])(
    'reads %j as COMMIT',
    (sql) => {
      expect(kindOf(sql)).toEqual({ kind: 'commit', chain: false })
    },
  )

  test.each(['ROLLBACK', 'rollback work', 'ROLLBACK TRANSACTION AND NO CHAIN', 'ABORT', 'abort transaction'])(
    'reads %j as ROLLBACK',
    (sql) => {
      expect(kindOf(sql)).toEqual({ kind: 'rollback', chain: false })
    },
  )

  test('reads AND CHAIN', () => {
    expect(kindOf('COMMIT AND CHAIN')).toEqual({ kind: 'commit', chain: true })
    expect(kindOf('rollback work and chain')).toEqual({ kind: 'rollback', chain: true })
  })

  test.each([
    'SAVEPOINT sp1',
    'RELEASE SAVEPOINT sp1',
    'RELEASE sp1',
    'ROLLBACK TO SAVEPOINT sp1',
    'rollback to sp1',
    'ROLLBACK WORK TO SAVEPOINT sp1',
    'SELECT 1',
    "INSERT INTO t (a) VALUES ('BEGIN')",
    'CREATE TABLE begin_log (id int)',
    'CREATE INDEX ON t (a)',
    'DROP INDEX t_a_idx',
    'REINDEX TABLE t',
    'CLUSTER t USING t_pkey',
    'ANALYZE t',
    'DISCARD PLANS',
    'PREPARE q AS SELECT 1',
    "SET TRANSACTION SNAPSHOT '00000003-0000001B-1'",
    'SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE',
    'SET search_path TO public',
    'START_REPLICATION',
    '',
  ])('passes %j through', (sql) => {
    expect(classifySql(sql).every((statement) => statement.kind.kind === 'other')).toBe(true)
  })

  test.each([
    'SET TRANSACTION ISOLATION LEVEL SERIALIZABLE',
    'set transaction read only',
    'SET LOCAL TRANSACTION READ WRITE',
  ])('reads %j as SET TRANSACTION', (sql) => {
    expect(kindOf(sql)).toEqual({ kind: 'set-transaction' })
  })

  test.each([
    ['VACUUM', 'VACUUM'],
    ['vacuum (analyze) users', 'VACUUM'],
    ['CREATE DATABASE other', 'CREATE DATABASE'],
    ['drop database if exists other', 'DROP DATABASE'],
    ["CREATE TABLESPACE fast LOCATION '/ssd'", 'CREATE TABLESPACE'],
    ['DROP TABLESPACE fast', 'DROP TABLESPACE'],
    ['ALTER SYSTEM SET work_mem = 1', 'ALTER SYSTEM'],
    ['CREATE INDEX CONCURRENTLY t_a ON t (a)', 'CREATE INDEX CONCURRENTLY'],
    ['create unique index concurrently if not exists t_a on t (a)', 'CREATE INDEX CONCURRENTLY'],
    ['DROP INDEX CONCURRENTLY t_a', 'DROP INDEX CONCURRENTLY'],
    ['REINDEX TABLE CONCURRENTLY t', 'REINDEX CONCURRENTLY'],
    ['REINDEX (VERBOSE) DATABASE app', 'REINDEX DATABASE'],
    ['REINDEX SYSTEM', 'REINDEX SYSTEM'],
    ['CLUSTER', 'CLUSTER'],
    ['CLUSTER VERBOSE', 'CLUSTER'],
    ['DISCARD ALL', 'DISCARD ALL'],
    ["PREPARE TRANSACTION 'tx1'", 'PREPARE TRANSACTION'],
    ["COMMIT PREPARED 'tx1'", 'COMMIT PREPARED'],
    ["ROLLBACK PREPARED 'tx1'", 'ROLLBACK PREPARED'],
    ['ALTER TABLE events DETACH PARTITION events_2020 CONCURRENTLY', 'ALTER TABLE ... DETACH CONCURRENTLY'],
    ['ALTER DATABASE app SET TABLESPACE fast', 'ALTER DATABASE SET TABLESPACE'],
  ])('reads %j as a statement PostgreSQL runs only outside a transaction block (%s)', (sql, label) => {
    expect(kindOf(sql)).toEqual({ kind: 'not-in-transaction', label })
  })

  test('classifies each statement of a multi-statement text', () => {
    expect(classifySql("BEGIN; INSERT INTO t VALUES ('a;b'); COMMIT")).toEqual([
      { text: 'BEGIN', kind: { kind: 'begin' } },
      { text: "INSERT INTO t VALUES ('a;b')", kind: { kind: 'other' } },
      { text: 'COMMIT', kind: { kind: 'commit', chain: false } },
    ])
  })

  test('keeps a plain data statement whole, semicolon and all', () => {
    expect(classifySql('SELECT 1;')).toEqual([{ text: 'SELECT 1', kind: { kind: 'other' } }])
  })
})
