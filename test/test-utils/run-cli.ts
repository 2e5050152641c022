import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const CLI = fileURLToPath(new URL('../../src/cli/bin.ts', import.meta.url))

export interface CliResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export interface RunOptions {
  cwd: string
  env?: NodeJS.ProcessEnv
}

/** A command running in the background; disposing it SIGKILLs it if it still runs. */
export interface BackgroundProcess extends AsyncDisposable {
  child: ChildProcessWithoutNullStreams
  /** Resolves with stderr so far once a line of it contains `text`; rejects if the process ends first. */
  stderrLine(text: string): Promise<string>
  exited: Promise<CliResult>
}

/** Runs the testbed CLI from source in a child process, as a user's shell would. */
export function runTestbed(args: string[], options: RunOptions): Promise<CliResult> {
  return spawnTestbed(args, options).exited
}

/** Starts the testbed CLI from source in the background, for commands that keep running or get signalled. */
export function spawnTestbed(args: string[], options: RunOptions): BackgroundProcess {
  return spawnProcess(process.execPath, [CLI, ...args], options)
}

/** Starts any command with the environment the CLI gets, in the background. */
export function spawnProcess(command: string, args: string[], options: RunOptions): BackgroundProcess {
  const child = spawn(command, args, { cwd: options.cwd, env: cliEnv(options.env) })
  let stdout = ''
  let stderr = ''
  const lineWaiters = new Set<{ text: string; resolve: (stderr: string) => void }>()
  child.stdout.on('data', (chunk) => (stdout += chunk))
  child.stderr.on('data', (chunk) => {
    stderr += chunk
    for (const waiter of lineWaiters) {
      if (completeLines(stderr).some((line) => line.includes(waiter.text))) {
        lineWaiters.delete(waiter)
        waiter.resolve(stderr)
      }
    }
  })
  const exited = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
  })
  return {
    child,
    exited,
    stderrLine: (text) =>
      new Promise((resolve, reject) => {
        if (completeLines(stderr).some((line) => line.includes(text))) return resolve(stderr)
        lineWaiters.add({ text, resolve })
        exited.then((result) => reject(new Error(`exited (${describeEnd(result)}) before printing "${text}"`)), reject)
      }),
    async [Symbol.asyncDispose]() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await exited.catch(() => {})
    },
  }
}

function cliEnv(overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    // A developer's shell may hold these from `eval "$(npx testbed services env)"`; testbed reads an empty one as unset.
    TESTBED_POSTGRES_URL: '',
    TESTBED_REDIS_URL: '',
    TESTBED_POSTGRES_PROVIDER: '',
    TESTBED_REDIS_PROVIDER: '',
    // Test configs import testbed from its .ts sources. jiti would transpile them into a second copy of testbed,
    // whose errors the CLI's `instanceof TestbedError` does not recognise; a user's config imports the built .js,
    // which jiti imports natively, sharing the CLI's copy. Native import keeps that so for the tests.
    JITI_TRY_NATIVE: 'true',
    ...overrides,
  }
}

function completeLines(text: string): string[] {
  return text.split('\n').slice(0, -1)
}

function describeEnd(result: CliResult): string {
  const how = result.signal ? `killed by ${result.signal}` : `code ${result.code}`
  return `${how}; stderr:\n${result.stderr}`
}
