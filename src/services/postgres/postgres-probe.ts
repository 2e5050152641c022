import pg from 'pg'
import type { ProbeResult } from '../../providers/external-provider.ts'

/** Connects, runs `SHOW server_version` (a real query, not a port check), disconnects. */
export async function probePostgres(url: string, timeoutMs = 2000): Promise<ProbeResult> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs })
  client.on('error', () => {})
  try {
    await client.connect()
    const result = await client.query<{ server_version: string }>('SHOW server_version')
    return { ok: true, version: result.rows[0]?.server_version ?? 'unknown' }
  } catch (error) {
    return { ok: false, error: error as Error }
  } finally {
    await client.end().catch(() => {})
  }
}
