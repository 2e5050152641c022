import pg from 'pg'
import { describeCause, TestbedError } from '../../core/errors.ts'
import { redactUrl } from '../../core/redact.ts'

export interface ServerInfo {
  /** `SHOW server_version`, e.g. `18.4`. */
  version: string
  /** `server_version_num`, e.g. `180004`. */
  versionNum: number
}

/** A control connection to the server's admin database, for CREATE/DROP DATABASE and advisory locks. */
export async function connectAdmin(url: string, where: string, applicationName = 'testbed'): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: applicationName })
  // A lost connection surfaces as the next query's rejection; unhandled, the event would crash the process.
  client.on('error', () => {})
  try {
    await client.connect()
    return client
  } catch (error) {
    throw new TestbedError(
      'TESTBED_ISOLATION_SERVER_UNREACHABLE',
      {
        what: `${where} could not connect to PostgreSQL`,
        subject: redactUrl(url),
        why: describeCause(error),
        fix: 'Check that the server is running (`npx testbed services status`) and that the URL is the one it printed',
      },
      { cause: error },
    )
  }
}

/** The server's version; templates need PostgreSQL 13 (`DROP DATABASE … WITH (FORCE)`). */
export async function serverInfo(client: pg.ClientBase, where: string): Promise<ServerInfo> {
  const { rows } = await client.query<{ version: string; num: string }>(
    `SELECT current_setting('server_version') AS version, current_setting('server_version_num') AS num`,
  )
  const info = { version: rows[0]?.version ?? 'unknown', versionNum: Number(rows[0]?.num ?? 0) }
  if (info.versionNum < 130000) throw unsupported(where, info)
  return info
}

function unsupported(where: string, info: ServerInfo): TestbedError {
  return new TestbedError('TESTBED_ISOLATION_SERVER_TOO_OLD', {
    what: `${where} needs PostgreSQL 13 or later`,
    subject: `the server runs ${info.version}`,
    why: 'Old template databases are dropped with `DROP DATABASE … WITH (FORCE)`, which PostgreSQL 13 added',
    fix: 'Use the embedded server (`postgres()` with no URL), or point `TESTBED_POSTGRES_URL` at PostgreSQL 13 or later',
  })
}
