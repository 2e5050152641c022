import { execFile } from 'node:child_process'
import { copyFileSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { tempDir } from '../../test-utils/temp-dir.ts'

const run = promisify(execFile)
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url))
const REPO_MODULES = fileURLToPath(new URL('../../../node_modules/', import.meta.url))

/**
 * Runs `prisma generate` on schema.prisma into a temp folder and returns the generated client's
 * entry file. Offline: Prisma 7 compiles queries with WebAssembly shipped in @prisma/client, but its
 * CLI still downloads the schema-engine binary before `generate` (which never runs it) from a host
 * outside the npm registry. `PRISMA_SCHEMA_ENGINE_BINARY`, Prisma's documented way to bring engine
 * files yourself, skips that download; it points at a stand-in that fails loudly if ever run.
 */
export async function generatePrismaClient(): Promise<string> {
  const dir = tempDir('testbed-prisma-')
  copyFileSync(here('schema.prisma'), join(dir, 'schema.prisma'))
  // The generated client imports @prisma/client/runtime, resolved from its own folder.
  symlinkSync(REPO_MODULES, join(dir, 'node_modules'))
  await run(process.execPath, [join(REPO_MODULES, 'prisma/build/index.js'), 'generate', '--schema', 'schema.prisma'], {
    cwd: dir,
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: here('no-schema-engine'),
      // No update check or telemetry: nothing but the npm registry is reachable.
      CHECKPOINT_DISABLE: '1',
    },
  })
  return join(dir, 'generated', 'client.ts')
}
