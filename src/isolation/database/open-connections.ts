import pg from 'pg'

/** The client connections open on one database, as `pg_stat_activity` shows them. */
export interface OpenConnections {
  count: number
  /** Their distinct non-empty `application_name`s. */
  applications: string[]
}

/**
 * The client connections open on each of `databases` that has any. Background workers are left
 * out: DROP DATABASE stops an autovacuum worker itself.
 */
export async function openConnections(
  client: pg.ClientBase | pg.Pool,
  databases: readonly string[],
): Promise<Map<string, OpenConnections>> {
  const { rows } = await client.query<{ name: string; count: number; applications: string[] }>(
    `SELECT datname AS name, count(*)::int AS count,
            array_remove(array_agg(DISTINCT application_name ORDER BY application_name), '') AS applications
       FROM pg_stat_activity
      WHERE datname = ANY($1::text[]) AND backend_type = 'client backend' AND pid <> pg_backend_pid()
      GROUP BY datname`,
    [databases],
  )
  return new Map(rows.map(({ name, count, applications }) => [name, { count, applications }]))
}

/**
 * Drops a database unless a connection is open on it, and says whether it is gone. Never `WITH
 * (FORCE)`: ending an app's pooled connection makes pg emit 'error' on its pool, which without a
 * listener is an uncaught exception in the test worker.
 */
export async function dropIfUnused(client: pg.ClientBase | pg.Pool, name: string): Promise<boolean> {
  try {
    await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)}`)
    return true
  } catch (error) {
    // 55006 object_in_use: a connection arrived after the caller saw none.
    if ((error as { code?: unknown }).code === '55006') return false
    throw error
  }
}
