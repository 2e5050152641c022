/**
 * The prepared statements one server session holds for the endpoint's clients, by content: two
 * clients that prepare the same text with the same parameter types share one server statement,
 * whatever they named it (pgbouncer's rule since 1.21).
 */
export class ServerStatements {
  readonly #names = new Map<string, string>()
  #count = 0
  /** The content now in the session's unnamed statement, if the endpoint put it there. */
  unnamed: string | null = null
  /** The client whose unnamed portal the session holds now. */
  unnamedPortalOwner: object | null = null
  /** The endpoint's own savepoint statements are prepared on the session. */
  ownPrepared = false

  /** The server's name for a statement of this content, if it is prepared. */
  nameOf(key: string): string | undefined {
    return this.#names.get(key)
  }

  /** Records a new statement of this content and returns its server name. */
  add(key: string): string {
    const name = `testbed_${++this.#count}`
    this.#names.set(key, name)
    return name
  }

  /** Forgets a statement whose Parse failed. */
  forget(key: string): void {
    this.#names.delete(key)
  }

  /** Forgets everything: the session dropped its statements (DEALLOCATE ALL). */
  clear(): void {
    this.#names.clear()
    this.unnamed = null
  }
}
