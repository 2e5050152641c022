import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import type { TestbedConfig } from './config.ts'
import { describeCause, isTestbedError, TestbedError } from './errors.ts'
import { formatLocation, locationIn, type SourceLocation, withoutLocation } from './source-location.ts'

export const CONFIG_FILE_NAMES = ['testbed.config.ts', 'testbed.config.mts', 'testbed.config.js', 'testbed.config.mjs']

/** A loaded config and the folder it belongs to (the project). */
export interface LoadedConfig {
  config: TestbedConfig
  /** Null when the project has no config file and defaults apply. */
  file: string | null
  projectDir: string
}

/** Finds `testbed.config.*` in `cwd` (or loads `explicitFile`) and imports it, TypeScript included. */
export async function loadConfig(cwd: string, explicitFile?: string): Promise<LoadedConfig> {
  const file = explicitFile ? resolve(cwd, explicitFile) : findConfigFile(cwd)
  if (file === null) return { config: {}, file: null, projectDir: cwd }
  if (!existsSync(file)) throw configMissing(file)
  return { config: await importConfig(file), file, projectDir: dirname(file) }
}

export function findConfigFile(dir: string): string | null {
  for (const name of CONFIG_FILE_NAMES) {
    const candidate = join(dir, name)
    if (existsSync(candidate)) return candidate
  }
  return null
}

async function importConfig(file: string): Promise<TestbedConfig> {
  const { createJiti } = await import('jiti')
  let loaded: unknown
  try {
    const module_ = await createJiti(import.meta.url, { moduleCache: false }).import<object>(file)
    // `in`, not `.default`: jiti answers `.default` with the whole module when it has no default export.
    loaded = 'default' in module_ ? module_.default : undefined
  } catch (error) {
    throw importFailed(file, error)
  }
  if (typeof loaded !== 'object' || loaded === null) {
    throw configFailed(file, 'The file could not be used: it has no default export of a config object')
  }
  return loaded as TestbedConfig
}

function configMissing(file: string): TestbedError {
  return new TestbedError('TESTBED_CONFIG_NOT_FOUND', {
    what: 'Cannot find the config file given with --config',
    subject: file,
    why: 'No file exists at that path',
    fix: 'Check the path, or leave out --config to use testbed.config.ts in the current folder',
  })
}

// What the public entry point exports that a config uses: a missing import gets its exact fix.
const CONFIG_EXPORTS = ['defineConfig', 'postgres', 'redis']

/** The import's error, pointed at the line and column of the config that caused it. */
function importFailed(file: string, error: unknown): Error {
  const location = locationIn(file, error)
  const details = location ? [`line ${location.line}: ${sourceLine(location)}`] : []
  if (isTestbedError(error)) return location ? pointedAt(error, location) : error
  const subject = location ? formatLocation(location) : file
  if (isSyntaxError(error)) {
    const why = `The file has a syntax error: ${withoutLocation((error as Error).message, file)}`
    return configFailed(subject, why, { cause: error, fix: 'Correct the syntax there', details })
  }
  const missing = missingImport(error)
  const fix = missing ? `Import it: \`import { ${missing} } from 'testbed'\`` : DEFAULT_FIX
  return configFailed(subject, `Importing it threw: ${describeCause(error)}`, { cause: error, fix, details })
}

// A TestbedError from the config (an unknown option of postgres()) is already worded; it only lacks where.
function pointedAt(error: TestbedError, location: SourceLocation): Error {
  if (typeof error.withDetails !== 'function') return error
  return error.withDetails([`at ${formatLocation(location)}: ${sourceLine(location)}`])
}

function isSyntaxError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'SyntaxError' || /^(?:Error: )?ParseError: /.test(error.message))
}

function missingImport(error: unknown): string | undefined {
  if (!(error instanceof ReferenceError)) return undefined
  const name = /^(\w+) is not defined$/.exec(error.message)?.[1]
  return name && CONFIG_EXPORTS.includes(name) ? name : undefined
}

function sourceLine({ file, line }: SourceLocation): string {
  try {
    return (readFileSync(file, 'utf8').split('\n')[line - 1] ?? '').trim()
  } catch {
    return ''
  }
}

const DEFAULT_FIX = 'Fix the file so that it does `export default defineConfig({ … })`'

function configFailed(
  subject: string,
  why: string,
  options: { cause?: unknown; fix?: string; details?: string[] } = {},
): TestbedError {
  return new TestbedError(
    'TESTBED_CONFIG_LOAD_FAILED',
    { what: 'Cannot load the testbed config', subject, why, fix: options.fix ?? DEFAULT_FIX, details: options.details },
    { cause: options.cause },
  )
}
