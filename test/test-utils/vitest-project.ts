import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, isAbsolute, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'
import { listRuns, type Run } from '../../src/core/run-registry.ts'
import { installedTestbed } from './installed-testbed.ts'
import { type BackgroundProcess, type CliResult, spawnProcess } from './run-cli.ts'

export interface VitestProject {
  dir: string
  /** `npx testbed <args>` with the installed testbed, in the project. */
  testbed(args: string[], env?: NodeJS.ProcessEnv): Promise<CliResult>
  /** The same in the background, for a run that gets signalled. */
  spawnTestbed(args: string[], env?: NodeJS.ProcessEnv): BackgroundProcess
  /** `npx vitest run <args>` in the project, without testbed's CLI. */
  vitest(args: string[], env?: NodeJS.ProcessEnv): Promise<CliResult>
  /** The JSON reporter's results of the last run that asked for them (`RESULTS` in the arguments). */
  results(): TestStatuses
  read(path: string): string
  /** Writes files (path → contents); `null` deletes the file. */
  write(files: Record<string, string | null>): void
  runs(): Run[]
}

/** Test full names → status (`passed`, `failed`, `skipped`, …). */
export type TestStatuses = Record<string, string>

/** Vitest arguments that keep the usual output and also write the JSON results `results()` reads. */
export const RESULTS = ['--reporter=default', '--reporter=json', '--outputFile.json=.results.json']

// No colours, so output can be compared as text.
const ENV = { NO_COLOR: '1', TESTBED_INTEGRATION: '', TESTBED_BUDGET: '', TESTBED_CONFIG: '' }

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url))

/**
 * A throwaway project next to an installed testbed: a copy of `test/fixtures/<from>` (or of the
 * folder `from`, when absolute) if given,
 * then `files` written over it (path → contents; `null` deletes the file).
 */
export function vitestProject(name: string, files: Record<string, string | null>, from?: string): VitestProject {
  const dir = join(installedTestbed(), name)
  mkdirSync(dir)
  // A copy of the source alone: an example's own node_modules link and last run stay behind.
  const source = (path: string) => !/\/(node_modules|\.testbed)(\/|$)/.test(path)
  if (from) cpSync(isAbsolute(from) ? from : join(FIXTURES, from), dir, { recursive: true, filter: source })
  const write = (more: Record<string, string | null>) => {
    for (const [path, text] of Object.entries(more)) {
      if (text === null) {
        rmSync(join(dir, path))
        continue
      }
      mkdirSync(dirname(join(dir, path)), { recursive: true })
      writeFileSync(join(dir, path), text)
    }
  }
  const manifest: Record<string, string> = existsSync(join(dir, 'package.json'))
    ? {}
    : { 'package.json': JSON.stringify({ name, type: 'module', private: true }) }
  write({ ...manifest, ...files })
  const realDir = realpathSync(dir)
  const spawn = (command: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnProcess(process.execPath, [join(installedTestbed(), 'node_modules', command), ...args], {
      cwd: realDir,
      // A cache of its own: the first run of a project builds its template, whatever other tests ran before
      // (a shared cache would hand it a cluster snapshot with the template already in it).
      env: { ...ENV, TESTBED_CACHE_DIR: join(realDir, '.testbed-cache'), ...env },
    })
  const run = (command: string, args: string[], env: NodeJS.ProcessEnv = {}) => spawn(command, args, env).exited
  return {
    dir: realDir,
    testbed: (args, env) => run('testbed/bin/testbed.js', args, env),
    spawnTestbed: (args, env) => spawn('testbed/bin/testbed.js', args, env),
    vitest: (args, env) => run('vitest/vitest.mjs', ['run', ...args], env),
    results: () => statuses(JSON.parse(readFileSync(join(realDir, '.results.json'), 'utf8'))),
    read: (path) => readFileSync(join(realDir, path), 'utf8'),
    write,
    runs: () => listRuns().filter((run) => run.record.projectDir === realDir),
  }
}

interface JsonResults {
  testResults: Array<{ assertionResults: Array<{ fullName: string; status: string }> }>
}

function statuses(results: JsonResults): TestStatuses {
  const entries = results.testResults.flatMap((file) =>
    file.assertionResults.map((test) => [test.fullName, test.status]),
  )
  return Object.fromEntries(entries.sort(([a], [b]) => String(a).localeCompare(String(b))))
}

/** Fails unless the command exited 0, showing its output (a failed run's story is in it). */
export function expectPassed(result: CliResult): void {
  expect(result.code, `exit code; stdout:\n${result.stdout}\nstderr:\n${result.stderr}`).toBe(0)
}
