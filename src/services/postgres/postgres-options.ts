import { assertString, invalidOption } from '../../core/options.ts'
import { type ServerOptions, validateServerOptions } from '../../providers/server-options.ts'

/** The providers of `postgres()`, in resolution order: what its `provider` option accepts. */
export const POSTGRES_PROVIDERS = ['external', 'embedded', 'local', 'docker'] as const

/** Options of `postgres()`. */
export interface PostgresOptions extends ServerOptions<(typeof POSTGRES_PROVIDERS)[number]> {
  /**
   * Server settings passed as `-c name=value`, on top of testbed's (durability off).
   * @example { max_connections: 300, 'log_min_duration_statement': 0 }
   * @default {}
   */
  settings?: Record<string, string | number | boolean>
  /**
   * The URL of a server to use instead of starting one; `TESTBED_POSTGRES_URL` does the same.
   * @default undefined
   */
  url?: string
  /**
   * A folder of `.sql` migrations (applied in name order) that every test database starts from;
   * Prisma Migrate's folder (`prisma/migrations`, a `migration.sql` per subfolder) works as it is.
   * Data for the Vitest integration, which builds the template once per run; the service itself
   * ignores it. For a migrator function, call `createIsolation()` yourself.
   * @example 'migrations'
   * @default undefined (no migrations)
   */
  migrations?: string
  /**
   * SQL files run after the migrations, in this order, baked into the same template.
   * @example ['tests/integration/fixtures/seed_data.sql']
   * @default []
   */
  seeds?: string[]
  /**
   * A folder of Rails-style labelled rows (`users.yml`: rows named by label, references by label,
   * ids derived from the label), loaded into the same template after the seeds; tests read them
   * with the `rows` fixture.
   * @example 'tests/integration/rows'
   * @default undefined
   */
  rows?: string
  /**
   * The former name of `rows`.
   * @deprecated Use `rows`; `fixtures` is read until the next release.
   */
  fixtures?: string
}

/** The folder of labelled rows, under its current name or its former one. */
export function rowsFolderOf(options: PostgresOptions): string | undefined {
  return options.rows ?? options.fixtures
}

const WHERE = 'postgres()'

export function validatePostgresOptions(options: PostgresOptions): void {
  validateServerOptions(WHERE, options, POSTGRES_PROVIDERS, ['migrations', 'seeds', 'rows', 'fixtures'])
  assertString(WHERE, 'migrations', options.migrations)
  assertString(WHERE, 'rows', options.rows)
  assertString(WHERE, 'fixtures', options.fixtures)
  const seeds = options.seeds
  if (
    seeds !== undefined &&
    !(Array.isArray(seeds) && seeds.every((seed) => typeof seed === 'string' && seed !== ''))
  ) {
    throw invalidOption(WHERE, 'seeds', 'an array of .sql file paths', seeds)
  }
}
