// Shared by the start benchmarks: the first query a test would send, on a fresh connection.
import pg from 'pg'

/** Connects, runs `SELECT 1`, disconnects; rejects while the server does not answer yet. */
export async function firstQuery(config: pg.ClientConfig): Promise<void> {
  const client = new pg.Client(config)
  client.on('error', () => {})
  try {
    await client.connect()
    await client.query('SELECT 1')
  } finally {
    await client.end().catch(() => {})
  }
}
