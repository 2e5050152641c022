import pg from 'pg'
import { describeCause, TestbedError } from '../../core/errors.ts'
import { databaseUrl } from './database-url.ts'
import { dropDatabase } from './drop-database.ts'
import { NOTHING_CACHED, runSqlFile } from './run-sql-file.ts'
import { buildName, type TemplateMeta, writeMeta } from './template-catalog.ts'
import type { DatabaseStep, ResolvedSource } from './template-source.ts'

export interface BuildPlan {
  adminUrl: string
  /** The name the template is published under once complete. */
  name: string
  source: ResolvedSource
  meta: TemplateMeta
}

/**
 * Builds a template under a temporary name and renames it into place last, so a crashed build never
 * looks complete. The caller holds the template's lock. On failure the half-built database is dropped.
 */
export async function buildTemplate(admin: pg.ClientBase, plan: BuildPlan): Promise<void> {
  const building = buildName(plan.meta.hash)
  // Holding the lock means any database by this name is a crashed build's leftover.
  await dropDatabase(admin, building)
  await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(building)}`)
  try {
    await applySource(databaseUrl(plan.adminUrl, building), plan.source)
    await publish(admin, building, plan)
  } catch (error) {
    await dropDatabase(admin, building).catch(() => {})
    throw error
  }
}

async function applySource(url: string, source: ResolvedSource): Promise<void> {
  for (const file of source.migrationFiles) await runSqlFile(url, file, 'migrations')
  if (source.migrate) await runStep(source.migrate, url, 'migrations')
  for (const file of source.seedFiles) await runSqlFile(url, file, 'seeds')
  if (source.fixtures) await runStep(source.fixtures, url, 'fixtures')
}

async function runStep(step: DatabaseStep, url: string, option: 'migrations' | 'fixtures'): Promise<void> {
  try {
    await step(url)
  } catch (error) {
    throw new TestbedError(
      option === 'fixtures' ? 'TESTBED_TEMPLATE_ROWS_FAILED' : 'TESTBED_TEMPLATE_MIGRATION_FAILED',
      {
        what: `ensureTemplate() could not apply \`${option}\``,
        subject: `the ${option} function threw`,
        why: describeCause(error),
        fix: NOTHING_CACHED,
      },
      { cause: error },
    )
  }
}

async function publish(admin: pg.ClientBase, building: string, plan: BuildPlan): Promise<void> {
  const database = pg.escapeIdentifier(building)
  // No connections: CREATE DATABASE … TEMPLATE refuses a source anyone is connected to.
  await admin.query(`ALTER DATABASE ${database} WITH ALLOW_CONNECTIONS false IS_TEMPLATE true`)
  await writeMeta(admin, building, plan.meta)
  try {
    await admin.query(`ALTER DATABASE ${database} RENAME TO ${pg.escapeIdentifier(plan.name)}`)
  } catch (error) {
    throw isInUse(error) ? connectionsLeftOpen(building, error) : error
  }
}

function isInUse(error: unknown): error is pg.DatabaseError {
  return error instanceof pg.DatabaseError && error.code === '55006'
}

function connectionsLeftOpen(building: string, error: pg.DatabaseError): TestbedError {
  return new TestbedError(
    'TESTBED_TEMPLATE_CONNECTIONS_LEFT_OPEN',
    {
      what: 'ensureTemplate() could not finish the template',
      subject: building,
      why: 'The `migrations` or `fixtures` function left connections open to it, and a template cannot be cloned while anyone is connected',
      fix: 'Close them before the function returns (for example `await pool.end()` or `await client.end()`)',
      details: [error.message, ...(error.detail ? [error.detail] : [])],
    },
    { cause: error },
  )
}
