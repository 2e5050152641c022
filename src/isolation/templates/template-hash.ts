import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type ResolvedSource, resolveTemplateSource, type SqlFile, type TemplateSource } from './template-source.ts'

/** Everything a template's contents depend on, hashed: a change to any of them builds a new template. */
export interface TemplateInputs {
  source: ResolvedSource
  /** `SHOW server_version`: a template built by one server version is not reused by another. */
  serverVersion: string
  /** testbed's own version: what it adds to a template may change between releases. */
  testbedVersion: string
}

export function templateHash({ source, serverVersion, testbedVersion }: TemplateInputs): string {
  const lines = [
    `testbed ${testbedVersion}`,
    `server ${serverVersion}`,
    ...source.migrationFiles.map((file) => fileLine('migration', file)),
    `migrate ${source.migrate?.toString() ?? ''}`,
    ...source.seedFiles.map((file) => fileLine('seed', file)),
    `fixtures ${source.fixtures?.toString() ?? ''}`,
    `key ${source.key ?? ''}`,
  ]
  return sha256(lines.join('\n'))
}

/**
 * A short hash of every file under a folder (names and contents), for `key` when a migrator
 * function reads its own folder.
 * @example
 * await ensureTemplate(url, { migrations: runDrizzle, key: await hashDirectory('drizzle'), baseDir })
 */
export async function hashDirectory(dir: string): Promise<string> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  const files = entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name))
  const hash = createHash('sha256')
  for (const file of files.sort()) hash.update(`${file.slice(dir.length)}\n`).update(await readFile(file))
  return hash.digest('hex').slice(0, 16)
}

let cachedVersion: string | undefined

export function testbedVersion(): string {
  cachedVersion ??= (
    JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }
  ).version
  return cachedVersion
}

function fileLine(kind: string, file: SqlFile): string {
  return `${kind} ${file.label} ${sha256(file.bytes)}`
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex')
}

/**
 * The key of a cluster snapshot holding the template for `source` (see `ServiceSet.snapshot`):
 * the template's hash without the server version, which the snapshot's own path already pins.
 * @example
 * const key = await templateSnapshotKey({ migrations: 'migrations', baseDir: process.cwd() })
 * await set.snapshot('db', key)
 */
export async function templateSnapshotKey(source: TemplateSource): Promise<string> {
  const resolved = await resolveTemplateSource(source)
  return templateHash({ source: resolved, serverVersion: 'snapshot', testbedVersion: testbedVersion() })
}
