import { describe, expect, test } from 'vitest'
import { AppliedSettings } from '../backend/applied-settings.ts'
import { SessionSettings } from './session-settings.ts'

const set = (name: string, value: string) =>
  ({ kind: 'set', name, sql: `SET ${name} = '${value}'`, reset: `RESET ${name}`, local: false }) as const

describe('SessionSettings', () => {
  test('keeps the settings of the startup packet and of the options parameter, not who connects', () => {
    const settings = new SessionSettings({
      user: 'app',
      database: 'shop',
      application_name: 'api',
      options: '-c search_path=app --statement-timeout=5s',
    })
    expect([...settings.wanted.keys()]).toEqual(['application_name', 'search_path', 'statement_timeout'])
    expect(settings.wanted.get('application_name')?.sql).toBe(`SET "application_name" TO 'api'`)
  })

  test('needs no SET for a startup value the server reports already', () => {
    const settings = new SessionSettings(
      { client_encoding: 'UTF8', application_name: 'api' },
      new Map([['client_encoding', 'UTF8']]),
    )
    expect([...settings.wanted.keys()]).toEqual(['application_name'])
  })

  test('records SET and RESET, and ignores SET LOCAL', () => {
    const settings = new SessionSettings()
    settings.record(set('search_path', 'app'))
    settings.record({ ...set('statement_timeout', '1s'), local: true })
    expect([...settings.wanted.keys()]).toEqual(['search_path'])
    settings.record({ kind: 'reset', name: 'search_path', reset: 'RESET search_path' })
    expect(settings.wanted.size).toBe(0)
  })

  test("a rolled-back app transaction undoes the client's SETs in it, and says which", () => {
    const settings = new SessionSettings()
    settings.record(set('search_path', 'before'))
    settings.beginTransaction()
    settings.record(set('search_path', 'inside'))
    settings.record(set('application_name', 'inside'))
    expect(settings.endTransaction(false)).toEqual(['search_path', 'application_name'])
    expect(settings.wanted.get('search_path')?.sql).toBe("SET search_path = 'before'")
    expect(settings.wanted.has('application_name')).toBe(false)
  })
})

describe('AppliedSettings', () => {
  test("switches a session to a client's settings with only the statements that differ", () => {
    const applied = new AppliedSettings()
    const first = new SessionSettings({ application_name: 'api' })
    const second = new SessionSettings({ application_name: 'api' })
    second.record(set('search_path', 'app'))
    expect(applied.switchTo(first)).toEqual([`SET "application_name" TO 'api'`])
    expect(applied.switchTo(first)).toEqual([])
    expect(applied.switchTo(second)).toEqual(["SET search_path = 'app'"])
    expect(applied.switchTo(first)).toEqual(['RESET search_path'])
  })

  test('sets again a value it can no longer know', () => {
    const applied = new AppliedSettings()
    const client = new SessionSettings()
    client.record(set('search_path', 'app'))
    applied.switchTo(client)
    applied.forget('search_path')
    expect(applied.switchTo(client)).toEqual(["SET search_path = 'app'"])
    applied.forget('search_path')
    expect(applied.switchTo(new SessionSettings())).toEqual(['RESET "search_path"'])
  })
})
