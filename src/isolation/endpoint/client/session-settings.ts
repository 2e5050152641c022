import type { SettingChange } from '../exchange/session-statement.ts'

/** A setting as a statement that makes it, and the statement that undoes it. */
export interface Setting {
  readonly sql: string
  readonly reset: string
}

// Startup parameters that are not settings: who connects, where, and how.
const NOT_SETTINGS = new Set(['user', 'database', 'replication', 'options'])

/**
 * The session settings one client believes it has — from its startup packet and its own `SET`s —
 * so the endpoint can give them to whichever server session runs the client's statements.
 */
export class SessionSettings {
  readonly wanted = new Map<string, Setting>()
  /** Values before the client's open app transaction changed them, to restore if it rolls back. */
  #beforeTransaction: Map<string, Setting | undefined> | null = null
  /** Settings the open app transaction changed with SET LOCAL. */
  readonly #local = new Set<string>()

  /**
   * `server` holds the values a fresh server session reports (its ParameterStatus): a startup
   * value equal to one of them needs no SET (pg's client_encoding=UTF8, for one).
   */
  constructor(startup: Readonly<Record<string, string>> = {}, server: ReadonlyMap<string, string> = new Map()) {
    const given = [...Object.entries(startup), ...optionSettings(startup.options ?? '')]
    const reported = new Map([...server].map(([name, value]) => [name.toLowerCase(), value]))
    for (const [name, value] of given) {
      const key = name.toLowerCase()
      if (NOT_SETTINGS.has(key) || reported.get(key) === value) continue
      this.wanted.set(key, startupSetting(name, value))
    }
  }

  /** Records a SET or RESET the client ran; SET LOCAL ends with the transaction, so it is not kept. */
  record(change: SettingChange): void {
    if (change.kind === 'reset-all') {
      this.#changeAll()
      return
    }
    if (change.kind === 'set' && change.local) return
    this.#remember(change.name)
    if (change.kind === 'set') this.wanted.set(change.name, { sql: change.sql, reset: change.reset })
    else this.wanted.delete(change.name)
  }

  /** The client's app transaction begins: changes from here on are undone if it rolls back. */
  beginTransaction(): void {
    this.#beforeTransaction = new Map()
  }

  /** A SET LOCAL in the open app transaction: it ends with the transaction. */
  noteLocal(name: string): void {
    this.#local.add(name)
  }

  /** The client's app transaction ended; returns the names whose value the server changed back. */
  endTransaction(committed: boolean): string[] {
    const before = this.#beforeTransaction ?? new Map()
    const changedBack = new Set(this.#local)
    this.#beforeTransaction = null
    this.#local.clear()
    if (committed) return [...changedBack]
    for (const [name, setting] of before) {
      if (setting === undefined) this.wanted.delete(name)
      else this.wanted.set(name, setting)
      changedBack.add(name)
    }
    return [...changedBack]
  }

  #remember(name: string): void {
    const before = this.#beforeTransaction
    if (before !== null && !before.has(name)) before.set(name, this.wanted.get(name))
  }

  #changeAll(): void {
    for (const name of this.wanted.keys()) this.#remember(name)
    this.wanted.clear()
  }
}

function startupSetting(name: string, value: string): Setting {
  const identifier = `"${name.replaceAll('"', '""')}"`
  return { sql: `SET ${identifier} TO '${value.replaceAll("'", "''")}'`, reset: `RESET ${identifier}` }
}

/** `-c name=value` and `--name=value` pairs of the `options` startup parameter (libpq's format). */
function optionSettings(options: string): Array<[string, string]> {
  const words = options.match(/(?:\\.|\S)+/g) ?? []
  const pairs: Array<[string, string]> = []
  for (const [index, word] of words.entries()) {
    const assignment =
      word === '-c'
        ? words[index + 1]
        : word.startsWith('--')
          ? word.slice(2)
          : word.startsWith('-c')
            ? word.slice(2)
            : undefined
    const match = assignment === undefined ? null : /^([^=]+)=(.*)$/s.exec(assignment.replace(/\\(.)/g, '$1'))
    if (match?.[1] !== undefined && match[2] !== undefined) pairs.push([match[1].replaceAll('-', '_'), match[2]])
  }
  return pairs
}
