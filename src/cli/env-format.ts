import { TestbedError } from '../core/errors.ts'

/** The formats of `testbed services env --format`. */
export const ENV_FORMATS = ['shell', 'dotenv', 'json', 'libpq'] as const
export type EnvFormat = (typeof ENV_FORMATS)[number]

/**
 * Variables as text in one format: `shell` (`export NAME='value'` lines for `eval`), `dotenv`
 * (`NAME="value"` lines for a `.env` file), `json` (one object). `libpq` is not a list of variables
 * but a connection string, which the caller makes.
 */
export function formatEnv(env: Record<string, string>, format: Exclude<EnvFormat, 'libpq'>): string {
  if (format === 'json') return JSON.stringify(env, null, 2)
  const line = format === 'shell' ? shellLine : dotenvLine
  return Object.entries(env)
    .map(([name, value]) => line(name, value))
    .join('\n')
}

/** The format named by `--format`, checked. */
export function envFormat(value: string | undefined): EnvFormat {
  if (value === undefined) return 'shell'
  if ((ENV_FORMATS as readonly string[]).includes(value)) return value as EnvFormat
  throw new TestbedError('TESTBED_CLI_INVALID_ARGUMENT', {
    what: 'Invalid value for --format of `testbed services env`',
    subject: value,
    why: `--format is one of ${ENV_FORMATS.map((format) => `\`${format}\``).join(', ')}`,
    fix: 'Use `--format dotenv` for a .env file, `--format libpq` for `psql "$(npx testbed services env --format libpq)"`',
  })
}

function shellLine(name: string, value: string): string {
  return `export ${name}='${value.replaceAll("'", `'\\''`)}'`
}

// Double quotes, which dotenv, Docker Compose and Node's --env-file read alike; they unescape
// nothing but `\n`, and no value testbed makes (URLs, ports, base64url passwords) holds a quote.
function dotenvLine(name: string, value: string): string {
  return `${name}="${value}"`
}
