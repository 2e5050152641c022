import type { SessionSettings, Setting } from '../client/session-settings.ts'

// A value the endpoint cannot know: a SET LOCAL, or one a rollback may have undone.
const UNKNOWN: Setting = { sql: '', reset: '' }

/**
 * The settings a server session has now, beyond what it started with, so that the endpoint can
 * switch it to another client's settings with the fewest statements: usually none, when every
 * client of the app connects alike.
 */
export class AppliedSettings {
  readonly #applied = new Map<string, Setting>()

  /** The statements that give the session exactly `client`'s settings (empty when it has them). */
  switchTo(client: SessionSettings): string[] {
    const statements: string[] = []
    for (const [name, setting] of client.wanted) {
      if (this.#applied.get(name)?.sql === setting.sql) continue
      statements.push(setting.sql)
      this.#applied.set(name, setting)
    }
    for (const [name, setting] of this.#applied) {
      if (client.wanted.has(name)) continue
      // Nothing to undo for an unknown value set under another spelling: RESET by name.
      statements.push(setting === UNKNOWN ? `RESET "${name.replaceAll('"', '""')}"` : setting.reset)
      this.#applied.delete(name)
    }
    return statements
  }

  /** The client's own SET ran on the session. */
  set(name: string, setting: Setting): void {
    this.#applied.set(name, setting)
  }

  /** The client's RESET ran on the session. */
  reset(name: string): void {
    this.#applied.delete(name)
  }

  /** The value of `name` is no longer known (SET LOCAL, a rolled-back SET): set it again before the next use. */
  forget(name: string): void {
    this.#applied.set(name, UNKNOWN)
  }

  /** Every setting went back to the session's start (the test's transaction rolled back, RESET ALL). */
  clear(): void {
    this.#applied.clear()
  }
}
