import pg from 'pg'

/** Drops a database if it exists, ending the sessions still connected to it (a leaked pool, a killed test). */
export async function dropDatabase(client: pg.ClientBase | pg.Pool, name: string): Promise<void> {
  await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`)
}
