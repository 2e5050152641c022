import type { ServiceRecord } from '../core/run-registry.ts'

/** The libpq variables of a PostgreSQL URL (`PGHOST` … `PGDATABASE`), as psql, createdb and most drivers read them. */
export interface LibpqVariables {
  PGHOST: string
  PGPORT: string
  PGUSER: string
  PGPASSWORD: string
  PGDATABASE: string
}

/**
 * The variables clients read by convention, for the first service of each kind: `DATABASE_URL` and
 * the libpq `PG*` variables for PostgreSQL, `REDIS_URL` for Redis.
 * @example
 * clientEnv([{ kind: 'postgres', url: 'postgresql://postgres:pw@127.0.0.1:5433/postgres', … }])
 * // { DATABASE_URL: 'postgresql://…', PGHOST: '127.0.0.1', PGPORT: '5433', PGUSER: 'postgres', … }
 */
export function clientEnv(services: readonly Pick<ServiceRecord, 'kind' | 'url'>[]): Record<string, string> {
  const postgres = services.find((service) => service.kind === 'postgres')
  const redis = services.find((service) => service.kind === 'redis')
  return {
    ...(postgres && { DATABASE_URL: postgres.url, ...libpqVariables(postgres.url) }),
    ...(redis && { REDIS_URL: redis.url }),
  }
}

/** The `PG*` variables of a `postgresql://` URL; a `host` query parameter (a socket dir) wins over the URL's host. */
export function libpqVariables(url: string): LibpqVariables {
  const parsed = new URL(url)
  return {
    PGHOST: parsed.searchParams.get('host') ?? parsed.hostname,
    PGPORT: parsed.port || '5432',
    PGUSER: decodeURIComponent(parsed.username),
    PGPASSWORD: decodeURIComponent(parsed.password),
    PGDATABASE: decodeURIComponent(parsed.pathname.slice(1)) || 'postgres',
  }
}

/**
 * A PostgreSQL URL as a libpq keyword/value connection string, for tools that take one
 * (`psql "host=… port=…"`); values are quoted as libpq reads them.
 */
export function libpqConninfo(url: string): string {
  const variables = libpqVariables(url)
  const pairs = {
    host: variables.PGHOST,
    port: variables.PGPORT,
    user: variables.PGUSER,
    password: variables.PGPASSWORD,
    dbname: variables.PGDATABASE,
  }
  return Object.entries(pairs)
    .map(([key, value]) => `${key}=${conninfoQuote(value)}`)
    .join(' ')
}

function conninfoQuote(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`
}
