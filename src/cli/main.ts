import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { isTestbedError, TestbedError } from '../core/errors.ts'
import { ciCommand } from './ci-command.ts'
import type { CliContext } from './cli-context.ts'
import { composeCommand } from './compose-command.ts'
import { doctor } from './doctor-command.ts'
import { initCommand } from './init-command.ts'
import { installCommand } from './install-command.ts'
import { psqlCommand, psqlTarget } from './psql-command.ts'
import { reportCommand } from './report-command.ts'
import { servicesDown, servicesEnv, servicesStatus, servicesUp } from './services-command.ts'
import { testCommand } from './test-command.ts'

const USAGE = `Usage: testbed <command> [options]

Commands:
  test [options]           Run the tests with Vitest: unit tests, or with --integration all of them; -m EXPR filters
                           by markers; other arguments go to Vitest (\`testbed test --help\` for the options)
  services up [--detach]   Start the configured services; in the foreground until Ctrl-C, or left running
  services up --provider docker
                           The same, every service in a container (Docker, or Podman through DOCKER_HOST)
  services down [--all]    Stop services left running by \`services up --detach\` (this project, or all)
  services status [--all]  Show the services running for this project (or all)
  services env [--format F]
                           Print the running services' variables (TESTBED_*_URL, DATABASE_URL, PG*, REDIS_URL): F is
                           shell (\`export\` lines for \`eval\`, the default), dotenv, json, or libpq (a connection
                           string); --service NAME picks a PostgreSQL service
  compose [--force]        Write docker-compose.test.yml from the config: real health checks, tmpfs data, loopback
                           ports, and the TESTBED_<NAME>_URL lines that point the tests at it
  psql [DATABASE] [-- ARGS]
                           psql on the running PostgreSQL, or on one of its databases (a failed test's kept one);
                           --service NAME picks the service; ARGS go to psql
  doctor                   Show which providers can serve each service, which is chosen, and how to fix the rest
  ci github [--shards N]   Write .github/workflows/testbed.yml from the config: unit job, integration tests in N
                           jobs split by recorded durations, one merged report (\`testbed ci --help\` for options)
  init [--force]           Set testbed up in this project: testbed.config, the Vitest plugin, tests/unit and
                           tests/integration with an example test each, npm scripts; --force overwrites its files
  install [--with-deps]    Check what the configured services need on this machine; --with-deps installs the missing
                           system packages (apt-get, Homebrew); --dry-run prints what it would run
  report [--no-open]       Rebuild the last run's HTML report (.testbed/report/index.html) and open it in a browser

Options:
  --config <file>          Use this config instead of ./testbed.config.ts
  -h, --help               Show this help
  -v, --version            Show testbed's version`

/** Runs one CLI invocation and returns its exit code; the process wiring lives at the bottom of this file. */
export async function runCli(argv: readonly string[], context: Omit<CliContext, 'configFile'>): Promise<number> {
  // `test` passes options it does not know on to Vitest, and `ci` has its own: they get their arguments unparsed.
  const own = splitOwnArguments(argv)
  if (own?.command === 'test') return testCommand({ ...context, configFile: own.configFile }, own.args)
  if (own?.command === 'ci') return ciCommand({ ...context, configFile: own.configFile }, own.args)
  if (own?.command === 'psql') return psqlCommand({ ...context, configFile: own.configFile }, psqlTarget(own.args))
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    allowNegative: true,
    options: {
      config: { type: 'string' },
      detach: { type: 'boolean', short: 'd' },
      all: { type: 'boolean' },
      'with-deps': { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      open: { type: 'boolean' },
      force: { type: 'boolean' },
      provider: { type: 'string' },
      format: { type: 'string' },
      service: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  })
  const cli: CliContext = { ...context, configFile: values.config }
  if (values.version) return printLine(cli.stdout, packageVersion())
  const command = positionals.join(' ')
  if (values.help || command === '') return printLine(cli.stdout, USAGE)
  switch (command) {
    case 'services up':
      return servicesUp(cli, { detach: values.detach ?? false, provider: values.provider })
    case 'services down':
      return servicesDown(cli, values.all ?? false)
    case 'services status':
      return servicesStatus(cli, values.all ?? false)
    case 'services env':
      return servicesEnv(cli, { format: values.format, service: values.service })
    case 'compose':
      return composeCommand(cli, { force: values.force ?? false })
    case 'doctor':
      return doctor(cli)
    case 'init':
      return initCommand(cli, { force: values.force ?? false })
    case 'install':
      return installCommand(cli, { withDeps: values['with-deps'] ?? false, dryRun: values['dry-run'] ?? false })
    case 'report':
      return reportCommand(cli, { open: values.open ?? true })
    default:
      throw unknownCommand(command)
  }
}

const OWN_ARGUMENTS = ['test', 'ci', 'psql']

/** The arguments after `test`, `ci` or `psql`, for those commands; only `--config` may come before them. */
function splitOwnArguments(argv: readonly string[]): { command: string; args: string[]; configFile?: string } | null {
  let configFile: string | undefined
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] as string
    if (arg === '--config') configFile = argv[++index]
    else if (arg.startsWith('--config=')) configFile = arg.slice('--config='.length)
    else if (arg.startsWith('-')) return null
    else return OWN_ARGUMENTS.includes(arg) ? { command: arg, args: argv.slice(index + 1), configFile } : null
  }
  return null
}

function printLine(stream: NodeJS.WritableStream, text: string): number {
  stream.write(`${text}\n`)
  return 0
}

function packageVersion(): string {
  const manifest = new URL('../../package.json', import.meta.url)
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version
}

function unknownCommand(command: string): TestbedError {
  return new TestbedError('TESTBED_CLI_UNKNOWN_COMMAND', {
    what: 'Unknown command',
    subject: `testbed ${command}`,
    why: 'testbed knows `test`, `services up|down|status|env`, `psql`, `compose`, `doctor`, `ci github`, `init`, `install` and `report`',
    fix: 'Run `npx testbed --help` for the list',
  })
}

/** Turns a thrown error into the text a user reads: a TestbedError's message, or a parse error with the usage. */
export function describeFailure(error: unknown): string {
  if (isTestbedError(error)) return error.message
  const code = (error as NodeJS.ErrnoException).code
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
    return `[testbed] ${(error as Error).message}.\n\n${USAGE}`
  }
  return error instanceof Error ? (error.stack ?? error.message) : String(error)
}
