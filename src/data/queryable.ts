/**
 * What factories, `lint` and fixtures write through: anything with pg's `query(text, values)`,
 * such as the test's `db` (an IsolatedDatabase), its `db.pool`, a `pg.Pool` or a `pg.Client`.
 */
export interface Queryable {
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>
  /** When present (IsolatedDatabase), error messages read the schema through a connection of their own. */
  readonly url?: string
}

/** `"name"`, with embedded quotes doubled. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

/** `users` → `"users"`, `app.users` → `"app"."users"`. */
export function quoteTable(table: string): string {
  return table.split('.').map(quoteIdentifier).join('.')
}
