import { existsSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { join, relative, resolve } from 'node:path'
import { describeCause, TestbedError } from '../../core/errors.ts'
import { invalidOption } from '../../core/options.ts'

/** A step that changes the database at `url`: a migrator, a fixture loader. */
export type DatabaseStep = (url: string) => Promise<void>

/** What a template is built from, applied in this order: migrations, seeds, fixtures. */
export interface TemplateSource {
  /**
   * A folder of `.sql` files applied in name order (byte order: pad numbers, `001_`, `002_`, …;
   * `*.down.sql` files are skipped), each file as one multi-statement batch. Subfolders holding a
   * `migration.sql` (Prisma Migrate's `prisma/migrations/<timestamp>_<name>/migration.sql`) count as
   * that file, in the subfolder's name order. Or a function that
   * migrates the database at `url`, so node-pg-migrate, Drizzle, Kysely or Prisma migrators plug in.
   * @default undefined (no migrations)
   */
  migrations?: string | DatabaseStep
  /**
   * SQL files run after the migrations, in the order given.
   * @default []
   */
  seeds?: string[]
  /**
   * Loads fixture data into the database at `url`, after the seeds.
   * @default undefined
   */
  fixtures?: DatabaseStep
  /**
   * Extra input to the template's hash. testbed hashes the contents of the files it reads, but
   * it cannot see what a `migrations` or `fixtures` function applies — only the function's own
   * source text. Pass something that changes with those inputs, such as
   * `await hashDirectory('drizzle')`, or an edited migration keeps reusing the old template.
   * @default undefined
   */
  key?: string
  /** The folder relative paths resolve against, usually the project root. */
  baseDir: string
}

/** A SQL file read once: its bytes are hashed, its text is run. */
export interface SqlFile {
  /** The path relative to `baseDir`, as messages show it. */
  label: string
  bytes: Buffer
  text: string
}

/** A template source with its files read. */
export interface ResolvedSource {
  migrationFiles: SqlFile[]
  migrate: DatabaseStep | undefined
  seedFiles: SqlFile[]
  fixtures: DatabaseStep | undefined
  key: string | undefined
}

const WHERE = 'ensureTemplate()'

export function validateTemplateSource(source: TemplateSource): void {
  const { migrations, seeds, fixtures, key, baseDir } = source
  if (typeof baseDir !== 'string' || baseDir === '') {
    throw invalidOption(WHERE, 'baseDir', 'the folder relative paths resolve against', baseDir)
  }
  if (migrations !== undefined && typeof migrations !== 'string' && typeof migrations !== 'function') {
    throw invalidOption(WHERE, 'migrations', 'a folder of .sql files or a function (url) => Promise<void>', migrations)
  }
  if (seeds !== undefined && !(Array.isArray(seeds) && seeds.every((seed) => typeof seed === 'string'))) {
    throw invalidOption(WHERE, 'seeds', 'an array of .sql file paths', seeds)
  }
  if (fixtures !== undefined && typeof fixtures !== 'function') {
    throw invalidOption(WHERE, 'fixtures', 'a function (url) => Promise<void>', fixtures)
  }
  if (key !== undefined && typeof key !== 'string') throw invalidOption(WHERE, 'key', 'a string', key)
}

export async function resolveTemplateSource(source: TemplateSource): Promise<ResolvedSource> {
  const { migrations } = source
  return {
    migrationFiles: typeof migrations === 'string' ? await readMigrationFolder(source.baseDir, migrations) : [],
    migrate: typeof migrations === 'function' ? migrations : undefined,
    seedFiles: await Promise.all((source.seeds ?? []).map((seed) => readSqlFile(source.baseDir, seed, 'seeds'))),
    fixtures: source.fixtures,
    key: source.key,
  }
}

async function readMigrationFolder(baseDir: string, folder: string): Promise<SqlFile[]> {
  const names = await listSqlFiles(resolve(baseDir, folder))
  return Promise.all(names.map((name) => readSqlFile(baseDir, `${folder}/${name}`, 'migrations')))
}

async function listSqlFiles(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true })
    const files = entries
      .filter((entry) => entry.isFile() && entry.name.endsWith('.sql') && !entry.name.endsWith('.down.sql'))
      .map((entry) => entry.name)
    const folders = entries
      .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'migration.sql')))
      .map((entry) => `${entry.name}/migration.sql`)
    return [...files, ...folders].sort()
  } catch (error) {
    throw unreadable('migrations', dir, 'The folder does not exist or cannot be read', error)
  }
}

async function readSqlFile(baseDir: string, path: string, option: 'migrations' | 'seeds'): Promise<SqlFile> {
  const absolute = resolve(baseDir, path)
  try {
    const bytes = await readFile(absolute)
    return { label: relative(baseDir, absolute), bytes, text: bytes.toString('utf8') }
  } catch (error) {
    throw unreadable(option, absolute, 'The file does not exist or cannot be read', error)
  }
}

function unreadable(option: string, path: string, why: string, cause: unknown): TestbedError {
  return new TestbedError(
    'TESTBED_TEMPLATE_SOURCE_MISSING',
    {
      what: `${WHERE} cannot read \`${option}\``,
      subject: path,
      why: `${why} (relative paths resolve against \`baseDir\`)`,
      fix: 'Create it, or correct the path',
      details: [describeCause(cause)],
    },
    { cause },
  )
}
