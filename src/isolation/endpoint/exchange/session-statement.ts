import type { SqlStatement } from '../../transaction/split-statements.ts'

/** A change to a session setting, as `SET` / `RESET` make it. */
export type SettingChange =
  | {
      readonly kind: 'set'
      readonly name: string
      readonly sql: string
      readonly reset: string
      readonly local: boolean
    }
  | { readonly kind: 'reset'; readonly name: string; readonly reset: string }
  | { readonly kind: 'reset-all' }

/** A statement about the session itself: its settings, its notification channels, its statements. */
export type SessionStatement =
  | { readonly kind: 'setting'; readonly change: SettingChange }
  | { readonly kind: 'listen'; readonly channel: string }
  | { readonly kind: 'unlisten'; readonly channel: string | null }
  | { readonly kind: 'notify'; readonly channel: string; readonly payload: string }
  | { readonly kind: 'notify-call'; readonly channel: Argument; readonly payload: Argument }
  | { readonly kind: 'advisory-lock' }
  | { readonly kind: 'deallocate-all' }

/** An argument of a function call: a literal, or a parameter (`$1`) whose value comes with Bind. */
export type Argument = { readonly value: string } | { readonly parameter: number }

// `SELECT pg_notify(…, …)` alone, with literal or parameter arguments: what postgres.js's sql.notify sends.
const ARGUMENT = String.raw`\s*(?:\$(\d+)|'((?:[^']|'')*)')\s*`
const NOTIFY_CALL = new RegExp(String.raw`^\s*select\s+pg_notify\s*\(${ARGUMENT},${ARGUMENT}\)\s*;?\s*$`, 'i')

/**
 * Reads a `SELECT pg_notify(channel, payload)` statement, which runs on the server like any
 * SELECT but, under isolation `transaction`, would never be delivered (its transaction never commits).
 */
export function notifyCall(text: string): SessionStatement | null {
  const match = NOTIFY_CALL.exec(text)
  if (match === null) return null
  const [, channelParameter, channel, payloadParameter, payload] = match
  return {
    kind: 'notify-call',
    channel: argument(channelParameter, channel),
    payload: argument(payloadParameter, payload),
  }
}

function argument(parameter: string | undefined, literal: string | undefined): Argument {
  return parameter === undefined ? { value: (literal ?? '').replaceAll("''", "'") } : { parameter: Number(parameter) }
}

// A lone call of a session-level advisory lock function: pg_advisory_lock, pg_try_advisory_lock_shared,
// pg_advisory_unlock, pg_advisory_unlock_all… (not the _xact_ ones, which end with the transaction).
const ADVISORY_CALL =
  /^\s*select\s+pg_(?:try_)?advisory_(?:un)?lock(?:_shared|_all)?\s*\((?:[^()]|\([^()]*\))*\)(?:\s+as\s+\w+)?\s*;?\s*$/i

/** Reads a lone `SELECT pg_advisory_lock(…)` and its kin: a session advisory lock taken or released. */
export function advisoryLockCall(text: string): SessionStatement | null {
  return ADVISORY_CALL.test(text) ? { kind: 'advisory-lock' } : null
}

/** Statements whose first word may make them a session statement; the rest never are. */
export const SESSION_START = /^\s*(?:set|reset|listen|unlisten|notify|deallocate)\b/i

// SET forms whose name is not the word after SET; `null`: not a session setting.
const SPECIAL_NAMES: Record<string, string | null> = {
  'TIME ZONE': 'timezone',
  'SESSION AUTHORIZATION': 'session_authorization',
  'XML OPTION': 'xmloption',
  'SESSION CHARACTERISTICS': null,
  SCHEMA: 'search_path',
  NAMES: 'client_encoding',
  ROLE: 'role',
  CONSTRAINTS: null,
  TRANSACTION: null,
}

// `SET SESSION AUTHORIZATION`, `SET SESSION CHARACTERISTICS`: SESSION is part of the name, not the scope.
const SESSION_FORMS = new Set(['AUTHORIZATION', 'CHARACTERISTICS'])

/**
 * Reads a session statement from a statement's words (see splitStatements), or null.
 * @example sessionStatement(splitStatements('SET search_path TO app')[0]) // { kind: 'setting', change: { kind: 'set', name: 'search_path', … } }
 */
export function sessionStatement({ text, words }: SqlStatement): SessionStatement | null {
  switch (words[0]) {
    case 'SET':
      return settingOf(readSet(text, words))
    case 'RESET':
      return settingOf(readReset(words))
    case 'LISTEN':
      return words[1] === undefined ? null : { kind: 'listen', channel: identifier(words[1]) }
    case 'UNLISTEN':
      return { kind: 'unlisten', channel: words[1] === '*' || words[1] === undefined ? null : identifier(words[1]) }
    case 'NOTIFY':
      return words[1] === undefined ? null : { kind: 'notify', channel: identifier(words[1]), payload: payload(text) }
    case 'DEALLOCATE':
      return words.at(-1) === 'ALL' ? { kind: 'deallocate-all' } : null
    default:
      return null
  }
}

function settingOf(change: SettingChange | null): SessionStatement | null {
  return change === null ? null : { kind: 'setting', change }
}

function readSet(text: string, words: readonly string[]): SettingChange | null {
  const scope = words[1] === 'LOCAL' || (words[1] === 'SESSION' && !SESSION_FORMS.has(words[2] ?? '')) ? words[1] : null
  const rest = scope === null ? words.slice(1) : words.slice(2)
  const name = settingName(rest)
  if (name === null) return null
  return { kind: 'set', name: name.key, sql: text, reset: `RESET ${name.spelled}`, local: scope === 'LOCAL' }
}

function readReset(words: readonly string[]): SettingChange | null {
  if (words[1] === 'ALL') return { kind: 'reset-all' }
  const name = settingName(words.slice(1))
  return name === null ? null : { kind: 'reset', name: name.key, reset: `RESET ${name.spelled}` }
}

/** The setting a SET or RESET names: its key (lower case) and how to spell it in a RESET. */
function settingName(words: readonly string[]): { key: string; spelled: string } | null {
  const pair = words.slice(0, 2).join(' ')
  const lead = pair in SPECIAL_NAMES ? pair : (words[0] ?? '')
  if (lead in SPECIAL_NAMES) {
    const special = SPECIAL_NAMES[lead]
    return special === null || special === undefined ? null : { key: special, spelled: special }
  }
  const end = words.findIndex((word) => word === 'TO' || word === '=')
  const parts = end === -1 ? words : words.slice(0, end)
  if (parts.length === 0) return null
  return { key: parts.map(identifier).join(''), spelled: parts.join('') }
}

/** A bare identifier folds to lower case; a quoted one keeps its case. */
function identifier(word: string): string {
  return word.startsWith('"') ? word.slice(1, -1).replaceAll('""', '"') : word.toLowerCase()
}

/** NOTIFY's payload: the string literal after the comma, or empty. */
function payload(text: string): string {
  const literal = /,\s*([Ee]?)'((?:[^']|'')*)'\s*$/s.exec(text)
  if (literal === null) return ''
  const [, escapes, body = ''] = literal
  const quoted = body.replaceAll("''", "'")
  return escapes === '' ? quoted : quoted.replace(/\\(.)/g, (_, char: string) => ESCAPES[char] ?? char)
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' }
