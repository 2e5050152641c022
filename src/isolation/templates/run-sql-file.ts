import pg from 'pg'
import { describeCause, TestbedError } from '../../core/errors.ts'
import { failingStatementLine } from './failing-statement.ts'
import { lineAt, lineText } from './sql-line.ts'
import type { SqlFile } from './template-source.ts'

export const NOTHING_CACHED = 'Fix it and run again; the half-built template was dropped, so nothing was cached'

/**
 * Runs a SQL file as one simple-query batch, the way `psql -1 -f` would: several statements, one
 * implicit transaction unless the file has its own BEGIN/COMMIT.
 */
export async function runSqlFile(url: string, file: SqlFile, option: 'migrations' | 'seeds'): Promise<void> {
  const client = new pg.Client({ connectionString: url, application_name: 'testbed template build' })
  // A dropped connection rejects the query below; without a listener it would also crash the process.
  client.on('error', () => {})
  await client.connect()
  try {
    await client.query(file.text)
  } catch (error) {
    throw sqlFileError(file, option, error, await lineOfFailure(client, file, error))
  } finally {
    await client.end()
  }
}

async function lineOfFailure(client: pg.Client, file: SqlFile, error: unknown): Promise<number | undefined> {
  if (!(error instanceof pg.DatabaseError)) return undefined
  if (error.position) return lineAt(file.text, Number(error.position))
  // The connection may be gone (a server that died): then the line stays unknown.
  return failingStatementLine(client, file.text, error).catch(() => undefined)
}

function sqlFileError(
  file: SqlFile,
  option: 'migrations' | 'seeds',
  error: unknown,
  line: number | undefined,
): TestbedError {
  return new TestbedError(
    option === 'seeds' ? 'TESTBED_TEMPLATE_SEED_FAILED' : 'TESTBED_TEMPLATE_MIGRATION_FAILED',
    {
      what: `ensureTemplate() could not apply \`${option}\``,
      subject: line === undefined ? file.label : `${file.label}, line ${line}`,
      why: `PostgreSQL rejected a statement: ${describeCause(error)}`,
      fix: NOTHING_CACHED,
      details: [locationDetail(file, line), ...serverDetails(error)],
    },
    { cause: error },
  )
}

function locationDetail(file: SqlFile, line: number | undefined): string {
  if (line !== undefined) return `line ${line}: ${lineText(file.text, line)}`
  return 'line: unknown, the statement could not be found again by replaying the file'
}

function serverDetails(error: unknown): string[] {
  if (!(error instanceof pg.DatabaseError)) return []
  const fields = { detail: error.detail, hint: error.hint, where: error.where }
  return Object.entries(fields).flatMap(([name, value]) => (value ? [`${name}: ${value}`] : []))
}
