import type { ServiceDeclaration } from '../core/config.ts'
import { loadConfig } from '../core/config-loader.ts'
import { ENV, readEnv } from '../core/env.ts'
import { createConsoleProgress, type Progress } from '../core/progress.ts'
import { configuredServices } from '../services/default-services.ts'

/** What every command gets: where to write, and the project's config. */
export interface CliContext {
  cwd: string
  configFile?: string
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream
}

export function print(stream: NodeJS.WritableStream, text = ''): void {
  stream.write(`${text}\n`)
}

export async function loadProjectServices(
  context: CliContext,
): Promise<{ projectDir: string; services: Record<string, ServiceDeclaration>; file: string | null }> {
  const loaded = await loadConfig(context.cwd, context.configFile)
  return { projectDir: loaded.projectDir, services: configuredServices(loaded.config), file: loaded.file }
}

export function progressFor(context: CliContext): Progress {
  return readEnv(ENV.quiet) ? { step() {}, done() {}, warn() {} } : createConsoleProgress(context.stderr)
}
