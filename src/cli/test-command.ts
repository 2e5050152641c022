import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { constants } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ENV } from '../core/env.ts'
import { describeCause, TestbedError } from '../core/errors.ts'
import { siblingFile } from '../core/sibling-file.ts'
import { integrationFromEnv, loadSettings, type TestbedSettings } from '../vitest/settings.ts'
import {
  assertKnownTags,
  narrowTag,
  parseTagExpression,
  selectsTag,
  type TagExpression,
  toTagsFilter,
  widenTag,
} from '../vitest/tag-expression.ts'
import { type CliContext, print } from './cli-context.ts'
import { parseTestArgs } from './test-args.ts'

// The fd on which Vitest's main process finds its pipe from testbed (parent-watch.ts reads the same).
const PARENT_PIPE_FD = 3

export const TEST_USAGE = `Usage: testbed test [options] [vitest arguments]

Runs the project's Vitest once (\`vitest run\`) with the testbed() plugin's switches set.

Options:
  --integration          Run integration tests too (they are skipped otherwise); TESTBED_INTEGRATION=1 does the same
  -m <expression>        Run the tests whose tags match a pytest-style marker expression:
                         tag names with and, or, not and parentheses, as in -m "integration and not slow"
  --budget=strict        Fail the run when a duration budget of testbed.config.ts is exceeded (default: warn)
  --pass-with-no-tests   Succeed when no test ran (otherwise the run fails)
  --shard <i>/<n>        Run the i-th of n shards, the files split by the durations in .testbed/durations.json
  --config <file>        Use this testbed config instead of ./testbed.config.ts
  --                     Pass everything after it to Vitest as it is

Every other argument goes to Vitest: file filters, -t, --reporter, --maxWorkers, …`

/** `testbed test`: translates testbed's options into Vitest's and the plugin's environment, then runs Vitest. */
export async function testCommand(context: CliContext, args: readonly string[]): Promise<number> {
  const parsed = parseTestArgs(args)
  if (parsed.help) {
    print(context.stdout, TEST_USAGE)
    return 0
  }
  const configFile = parsed.configFile ?? context.configFile
  const settings = await loadSettings(context.cwd, configFile)
  const known = settings.tags.map((tag) => tag.name)
  const expressions = parsed.markers.map((marker) => {
    const expression = parseTagExpression(marker, '-m')
    assertKnownTags(expression, known, '-m')
    return expression
  })
  // `-m integration` (or a tag of `integrationTests.tags`) asks for integration tests: it would
  // select nothing while they are skipped.
  const integration =
    parsed.integration ||
    integrationFromEnv() ||
    expressions.some((expression) => settings.integrationTags.some((tag) => selectsTag(expression, known, tag)))
  const watch = parsed.vitestArgs.some((arg) => arg === '--watch' || arg === '-w')
  const vitestArgs = [
    ...(watch ? [] : ['run']),
    ...expressions.map(
      (expression) => `--tags-filter=${toTagsFilter(widenIntegration(narrowUnit(expression), settings))}`,
    ),
    ...(parsed.passWithNoTests ? ['--passWithNoTests'] : []),
    ...(parsed.shard ? [`--shard=${parsed.shard}`] : []),
    ...parsed.vitestArgs,
  ]
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    [ENV.integration.name]: integration ? '1' : '',
    ...(parsed.budget && { [ENV.budget.name]: parsed.budget }),
    ...(configFile && { [ENV.config.name]: resolve(context.cwd, configFile) }),
  }
  return runVitest(context, findVitest(context.cwd), vitestArgs, env)
}

// Tests in unit files carry `unit` (the project's or the adopted file's tag), tagged integration tests among them.
function narrowUnit(expression: TagExpression): TagExpression {
  return narrowTag(expression, 'unit', { type: 'tag', name: 'integration' })
}

/** `integration` in a marker expression also means the suite's own integration tags (`integrationTests.tags`). */
function widenIntegration(expression: TagExpression, settings: TestbedSettings): TagExpression {
  const alike = settings.integrationTags.filter((tag) => tag !== 'integration')
  return widenTag(expression, 'integration', alike)
}

/** The project's own Vitest: its CLI script, run with the same Node as testbed. */
function findVitest(projectDir: string): string {
  let manifestPath: string
  let manifest: { bin?: string | Record<string, string> }
  try {
    manifestPath = createRequire(join(projectDir, 'package.json')).resolve('vitest/package.json')
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8'))
  } catch (error) {
    // Node's message goes on with the require stack: the first line says it.
    throw vitestMissing(projectDir, describeCause(error).split('\n')[0] as string, error)
  }
  const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.vitest
  if (!bin) throw vitestMissing(projectDir, `${manifestPath} names no vitest bin`)
  return join(dirname(manifestPath), bin)
}

function vitestMissing(projectDir: string, detail: string, cause?: unknown): TestbedError {
  return new TestbedError(
    'TESTBED_CLI_VITEST_MISSING',
    {
      what: 'Cannot find Vitest in the project',
      subject: projectDir,
      why: '`testbed test` runs the project’s own Vitest, and none resolves from this folder',
      fix: 'Install it: npm install --save-dev vitest',
      details: [detail],
    },
    { cause },
  )
}

function vitestFailed(bin: string, cause: Error): TestbedError {
  return new TestbedError(
    'TESTBED_CLI_VITEST_FAILED',
    {
      what: 'Cannot start Vitest',
      subject: bin,
      why: `The operating system refused to run Node on it (${cause.message})`,
      fix: 'Check that the file exists and is readable, or reinstall Vitest: npm install --save-dev vitest',
    },
    { cause },
  )
}

// Vitest's main process gets a pipe on fd 3 and a preload that ends Vitest when the pipe closes, that
// is, when this process dies, however it dies (parent-watch.ts).
function runVitest(context: CliContext, bin: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const inherit = context.stdout === process.stdout && context.stderr === process.stderr
  const stdio = inherit ? 'inherit' : 'pipe'
  const child = spawn(
    process.execPath,
    ['--import', pathToFileURL(siblingFile(import.meta.url, './parent-watch')).href, bin, ...args],
    {
      cwd: context.cwd,
      env: { ...env, [ENV.cliPid.name]: String(process.pid) },
      stdio: [stdio, stdio, stdio, 'pipe'],
    },
  )
  // Every process Vitest starts inherits its end of the pipe: waiting for them all to close it would
  // keep testbed waiting on a server or daemon a test left behind.
  child.once('exit', () => child.stdio[PARENT_PIPE_FD]?.destroy())
  if (!inherit) {
    child.stdout?.pipe(context.stdout, { end: false })
    child.stderr?.pipe(context.stderr, { end: false })
  }
  const stopForwarding = forwardSignals(child, inherit)
  return new Promise((resolvePromise, reject) => {
    child.on('error', (error) => reject(vitestFailed(bin, error)))
    child.on('close', (code, signal) => {
      stopForwarding()
      resolvePromise(code ?? 128 + (signal ? constants.signals[signal] : 0))
    })
  })
}

// A signal sent to testbed alone must reach Vitest, so that its global setup stops the services it
// started; testbed exits with Vitest's code. Ctrl-C in a terminal reaches Vitest directly (same
// process group), so then testbed only waits.
function forwardSignals(child: ChildProcess, sharesTerminal: boolean): () => void {
  const forward = (signal: NodeJS.Signals) => child.kill(signal)
  const handlers: Array<[NodeJS.Signals, (signal: NodeJS.Signals) => void]> = [
    ['SIGTERM', forward],
    ['SIGHUP', forward],
    ['SIGINT', sharesTerminal ? () => {} : forward],
  ]
  for (const [signal, handler] of handlers) process.on(signal, handler)
  return () => {
    for (const [signal, handler] of handlers) process.off(signal, handler)
  }
}
