/**
 * An environment variable testbed reads or sets, with what it means. Every read goes through
 * `readEnv` with one of these, so the variable, its meaning and its docs (docs/environment.md,
 * checked against this list by a test) are written in one place each.
 */
export interface EnvVariable {
  /** `TESTBED_STATE_DIR`; a pattern such as `TESTBED_<NAME>_URL` for a family of variables. */
  readonly name: string
  /** What it does, as the docs say it. */
  readonly meaning: string
}

/** The variables of testbed as a whole. A service kind declares its own (`ServiceDefinition.variables`). */
export const ENV = {
  serviceUrl: {
    name: 'TESTBED_<NAME>_URL',
    meaning:
      'The URL of the service named `<name>` in testbed.config.ts (`db` → `TESTBED_DB_URL`): set by `testbed services env` and handed to tests; when set before a run, that service uses the server at this URL (`external` provider)',
  },
  kindUrl: {
    name: 'TESTBED_<KIND>_URL',
    meaning:
      'The URL of the first service of a kind (`TESTBED_POSTGRES_URL`, `TESTBED_REDIS_URL`): set like `TESTBED_<NAME>_URL`; when set before a run, every service of that kind without a URL of its own uses it',
  },
  kindProvider: {
    name: 'TESTBED_<KIND>_PROVIDER',
    meaning:
      'Forces a provider for every service of a kind (`TESTBED_POSTGRES_PROVIDER=local`), like the `provider` option',
  },
  kindImage: {
    name: 'TESTBED_<KIND>_IMAGE',
    meaning:
      'The image the `docker` provider runs for every service of a kind (`TESTBED_POSTGRES_IMAGE=postgres:17`), like the `image` option, which wins over it',
  },
  stateDir: {
    name: 'TESTBED_STATE_DIR',
    meaning:
      'Where run dirs (data dirs, sockets, logs, run records) live; it must be private to you. Default: `/dev/shm/testbed-<uid>` when `/dev/shm` is a roomy tmpfs, else `$TMPDIR/testbed-<uid>`',
  },
  cacheDir: {
    name: 'TESTBED_CACHE_DIR',
    meaning: 'Where results worth keeping across runs live (cached initdb clusters). Default: `~/.cache/testbed`',
  },
  runAs: {
    name: 'TESTBED_RUN_AS',
    meaning: 'The account servers run as when testbed runs as root. Default: `postgres`, else `nobody`',
  },
  quiet: {
    name: 'TESTBED_QUIET',
    meaning: 'Any value: no progress lines while services start and templates build',
  },
  config: {
    name: 'TESTBED_CONFIG',
    meaning: 'The testbed config file to load instead of `testbed.config.ts` (what `testbed test --config` sets)',
  },
  integration: {
    name: 'TESTBED_INTEGRATION',
    meaning:
      '`1` runs integration tests too (what `testbed test --integration` sets); unset, empty, `0` or `false` skips them',
  },
  budget: {
    name: 'TESTBED_BUDGET',
    meaning:
      '`strict`: an exceeded duration budget fails the run (what `testbed test --budget=strict` sets); `warn` (the default) only warns',
  },
  seed: {
    name: 'TESTBED_SEED',
    meaning:
      'The base seed of faker in factories (a whole number), to replay the values of a failed test; a test that failed after drawing from faker prints it',
  },
  httpMode: {
    name: 'TESTBED_HTTP_MODE',
    meaning:
      'Overrides the `mode` of every http mock that has a cassette: `mock`, `record`, `replay` or `auto` (`TESTBED_HTTP_MODE=record npx vitest run <file>` records)',
  },
  jestRun: {
    name: 'TESTBED_JEST_RUN',
    meaning:
      "Internal: set by testbed's Jest global setup for the Jest workers (the running services and settings). Not for you to set",
  },
  cliPid: {
    name: 'TESTBED_CLI_PID',
    meaning:
      'Internal: set by `testbed test` for the Vitest it starts, which ends when that CLI dies. Not for you to set',
  },
} as const satisfies Record<string, EnvVariable>

/** The value of `variable`, or undefined when it is unset or empty (an empty value counts as unset). */
export function readEnv(variable: EnvVariable, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[variable.name]
  return value === '' ? undefined : value
}

/** True when a switch is on: set to anything but an empty string, `0` or `false`. */
export function readFlag(variable: EnvVariable, env: NodeJS.ProcessEnv = process.env): boolean {
  const value = (readEnv(variable, env) ?? '').trim().toLowerCase()
  return value !== '' && value !== '0' && value !== 'false'
}

/** `TESTBED_DB_URL` for a service named `db`: the variable that points clients at it, and that supplies an external URL. */
export function serviceUrlVariable(serviceName: string): EnvVariable {
  return { name: `TESTBED_${envSegment(serviceName)}_URL`, meaning: ENV.serviceUrl.meaning }
}

/** `TESTBED_POSTGRES_URL`, `TESTBED_REDIS_PROVIDER`: the variables of a kind. */
export function kindVariable(kind: string, suffix: 'URL' | 'PROVIDER' | 'IMAGE'): EnvVariable {
  const meaning = { URL: ENV.kindUrl.meaning, PROVIDER: ENV.kindProvider.meaning, IMAGE: ENV.kindImage.meaning }[suffix]
  return { name: `TESTBED_${envSegment(kind)}_${suffix}`, meaning }
}

function envSegment(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]/g, '_')
}
