import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import pg from 'pg'

const run = promisify(execFile)

/** Runs one query with a fresh `pg` client and returns its rows. */
export async function pgQuery<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client(url)
  // A server stopping under an idle client makes it emit 'error'; the query or connect call reports failures.
  client.on('error', () => {})
  await client.connect()
  try {
    return (await client.query<T>(sql)).rows
  } finally {
    await client.end()
  }
}

/** A connected pg.Client of its own; the caller ends it. */
export async function connectedClient(url: string, config: pg.ClientConfig = {}): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, ...config })
  await client.connect()
  return client
}

/** Runs `work` on a connection of its own, outside any test's transaction, and closes it. */
export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(url)
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

/** What `redis-cli PING` answers, through the real client rather than testbed's own probe. */
export async function redisPing(url: string): Promise<string> {
  const { stdout } = await run('redis-cli', ['-u', url, 'ping'])
  return stdout.trim()
}
