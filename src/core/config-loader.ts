import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import type { TestbedConfig } from './config.ts'
import { describeCause, TestbedError } from './errors.ts'

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
    loaded = await createJiti(import.meta.url, { moduleCache: false }).import(file, { default: true })
  } catch (error) {
    throw configFailed(file, `importing it threw: ${describeCause(error)}`, error)
  }
  if (typeof loaded !== 'object' || loaded === null) {
    throw configFailed(file, 'it has no default export of a config object')
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

function configFailed(file: string, why: string, cause?: unknown): TestbedError {
  return new TestbedError(
    'TESTBED_CONFIG_LOAD_FAILED',
    {
      what: 'Cannot load the testbed config',
      subject: file,
      why: `The file could not be used: ${why}`,
      fix: 'Fix the file so that it does `export default defineConfig({ … })`',
    },
    { cause },
  )
}
