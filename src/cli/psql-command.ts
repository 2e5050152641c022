import { spawn } from 'node:child_process'
import { TestbedError } from '../core/errors.ts'
import { libpqVariables } from '../services/client-env.ts'
import { CLIENT_TOOLS_FIX, findClientTool } from '../services/postgres/client-tools.ts'
import type { CliContext } from './cli-context.ts'
import { postgresService } from './postgres-service-choice.ts'
import { runningServices } from './services-command.ts'

/** What `testbed psql` connects to: a service (the first PostgreSQL one by default) and a database on it. */
export interface PsqlTarget {
  service?: string
  /** A database on that server, such as a failed test's kept one; the service's own by default. */
  database?: string
  /** Passed on to psql: `-c 'SELECT 1'`, `-f file.sql`. */
  psqlArgs: string[]
}

/**
 * `testbed psql [--service name] [database] [-- psql options]`: psql on the running PostgreSQL
 * (`testbed services up`), or on one of its databases, such as a failed test's kept one. Exits with psql's code.
 */
export async function psqlCommand(context: CliContext, target: PsqlTarget): Promise<number> {
  const service = postgresService((await runningServices(context)).services, target.service)
  const psql = findClientTool('psql')
  if (!psql) throw psqlMissing()
  const variables = libpqVariables(service.url)
  const env = { ...process.env, ...variables, PGDATABASE: target.database ?? variables.PGDATABASE }
  const child = spawn(psql, target.psqlArgs, { env, stdio: ['inherit', 'pipe', 'pipe'] })
  child.stdout.pipe(context.stdout, { end: false })
  child.stderr.pipe(context.stderr, { end: false })
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code) => resolve(code ?? 1))
  })
}

/** Splits `testbed psql`'s own arguments from psql's (after `--`). */
export function psqlTarget(args: readonly string[]): PsqlTarget {
  const split = args.indexOf('--')
  const own = split === -1 ? [...args] : args.slice(0, split)
  const psqlArgs = split === -1 ? [] : args.slice(split + 1)
  const serviceAt = own.indexOf('--service')
  const service = serviceAt === -1 ? undefined : own.splice(serviceAt, 2)[1]
  if (serviceAt !== -1 && service === undefined) throw missingService()
  return { service, database: own[0], psqlArgs }
}

function psqlMissing(): TestbedError {
  return new TestbedError('TESTBED_CLI_CLIENT_MISSING', {
    what: 'psql is not installed',
    why: '`testbed psql` runs the PostgreSQL client, which is not on PATH nor in the folders the `local` provider searches, and the embedded npm packages do not ship it',
    fix: `${CLIENT_TOOLS_FIX.charAt(0).toUpperCase()}${CLIENT_TOOLS_FIX.slice(1)}; \`npx testbed doctor\` shows which client tools it finds`,
  })
}

function missingService(): TestbedError {
  return new TestbedError('TESTBED_CLI_INVALID_ARGUMENT', {
    what: 'Missing value for an option of `testbed psql`',
    subject: '--service',
    why: '--service takes the name of a PostgreSQL service in testbed.config.ts',
    fix: 'Write it after the option, as in `testbed psql --service db`',
  })
}
