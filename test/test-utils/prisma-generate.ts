import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)
const require = createRequire(import.meta.url)
const repositoryModules = join(import.meta.dirname, '..', '..', 'node_modules')

/** A generated Prisma client: the path of its `client.ts`, and how to delete it. */
export interface GeneratedClient {
  readonly path: string
  remove(): void
}

/**
 * Generates a Prisma 7 client (the TypeScript `prisma-client` generator) for `models`, into a
 * temp dir whose node_modules is this repository's.
 * Works offline: `prisma generate` needs no engine binary (the query compiler is WebAssembly in
 * @prisma/client), but the CLI downloads its schema engine unless one is named, so an empty file
 * is named: generate never runs it.
 */
export async function generatePrismaClient(models: string): Promise<GeneratedClient> {
  const dir = mkdtempSync(join(tmpdir(), 'testbed-prisma-'))
  symlinkSync(repositoryModules, join(dir, 'node_modules'), 'dir')
  const schema = join(dir, 'schema.prisma')
  const generator = 'generator client {\n  provider = "prisma-client"\n  output   = "./generated"\n}'
  writeFileSync(schema, `${generator}\ndatasource db {\n  provider = "postgresql"\n}\n${models}\n`)
  mkdirSync(join(dir, 'engine'))
  const noEngine = join(dir, 'engine', 'schema-engine')
  writeFileSync(noEngine, '')
  await run(process.execPath, [require.resolve('prisma/build/index.js'), 'generate', `--schema=${schema}`], {
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: noEngine,
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
      CHECKPOINT_DISABLE: '1',
    },
  })
  return { path: join(dir, 'generated', 'client.ts'), remove: () => rmSync(dir, { recursive: true, force: true }) }
}
