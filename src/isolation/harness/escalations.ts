import { appendFileSync, mkdirSync, readFileSync } from 'node:fs'
import { dirname } from 'node:path'

/** Why a test runs under `database`: what it sent on an earlier run that `transaction` cannot run. */
export interface Escalation {
  /** The test, as the runner names it: `file > describe > test`. */
  readonly test: string
  /** What PostgreSQL calls the statement: `VACUUM`, `CREATE DATABASE`. */
  readonly label: string
  readonly statement: string
}

/**
 * The tests that need a database of their own, remembered across runs in a JSON-lines file (one
 * escalation a line, appended: workers of one run write at once, and a line under PIPE_BUF is
 * written whole). Deleting a line, or the file, tries `transaction` again.
 */
export class Escalations {
  readonly #file: string
  readonly #byTest: Map<string, Escalation>

  constructor(file: string) {
    this.#file = file
    this.#byTest = new Map(readLines(file).map((escalation) => [escalation.test, escalation]))
  }

  /** The file they are kept in. */
  get file(): string {
    return this.#file
  }

  of(test: string): Escalation | undefined {
    return this.#byTest.get(test)
  }

  remember(escalation: Escalation): void {
    if (this.#byTest.has(escalation.test)) return
    this.#byTest.set(escalation.test, escalation)
    mkdirSync(dirname(this.#file), { recursive: true })
    appendFileSync(this.#file, `${JSON.stringify(escalation)}\n`)
  }
}

function readLines(file: string): Escalation[] {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return []
  }
  return text.split('\n').flatMap((line) => {
    try {
      const parsed = JSON.parse(line) as Escalation
      return typeof parsed.test === 'string' ? [parsed] : []
    } catch {
      return []
    }
  })
}
