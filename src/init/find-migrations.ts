import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

/** A project's migrations folder, and what testbed can build from it. */
export interface MigrationsFacts {
  /** Relative to the project, without a trailing slash: `prisma/migrations`. */
  folder: string
  /** The SQL files testbed would apply, relative to the folder, in order. */
  sqlFiles: string[]
  /** Tables of the public schema that the SQL creates (and does not drop), sorted. */
  tables: string[]
}

// Where projects keep migrations, most specific first; Drizzle's own folder comes from its config.
const USUAL_FOLDERS = [
  'prisma/migrations',
  'migrations',
  'db/migrations',
  'database/migrations',
  'sql/migrations',
  'src/migrations',
  'src/db/migrations',
  'supabase/migrations',
]
const DRIZZLE_CONFIGS = ['drizzle.config.ts', 'drizzle.config.mts', 'drizzle.config.js', 'drizzle.config.mjs']

/** The first migrations folder found in the project (Drizzle's `out` first), or null. */
export function findMigrations(dir: string): MigrationsFacts | null {
  for (const folder of [...drizzleFolders(dir), ...USUAL_FOLDERS]) {
    if (!isFolder(join(dir, folder))) continue
    const sqlFiles = sqlFilesIn(join(dir, folder))
    const sql = sqlFiles.map((file) => readFileSync(join(dir, folder, file), 'utf8')).join('\n')
    return { folder, sqlFiles, tables: createdTables(sql) }
  }
  return null
}

/** Drizzle Kit writes its SQL to the config's `out` (default `drizzle`). */
function drizzleFolders(dir: string): string[] {
  const config = DRIZZLE_CONFIGS.find((name) => existsSync(join(dir, name)))
  if (config === undefined) return []
  const out = /\bout\s*:\s*['"`]([^'"`]+)['"`]/.exec(readFileSync(join(dir, config), 'utf8'))?.[1]
  return [(out ?? 'drizzle').replace(/^\.\//, '').replace(/\/+$/, '')]
}

/** The files testbed's template builder applies: `.sql` (not `.down.sql`), and `<sub>/migration.sql`. */
function sqlFilesIn(folder: string): string[] {
  const files = readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isFile() && entry.name.endsWith('.sql') && !entry.name.endsWith('.down.sql')) return [entry.name]
    const nested = `${entry.name}/migration.sql`
    return entry.isDirectory() && existsSync(join(folder, nested)) ? [nested] : []
  })
  return files.sort()
}

const IDENTIFIER = String.raw`(?:"((?:[^"]|"")+)"|([A-Za-z_][\w$]*))`
const QUALIFIED = String.raw`(?:${IDENTIFIER}\s*\.\s*)?${IDENTIFIER}`
const CREATE = new RegExp(String.raw`\bCREATE\s+(?:UNLOGGED\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?${QUALIFIED}`, 'gi')
const DROP = new RegExp(String.raw`\bDROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?${QUALIFIED}`, 'gi')

/** Public tables the SQL creates and does not drop again; quoted names keep their case, bare ones fold to lower case. */
export function createdTables(sql: string): string[] {
  const code = sql.replace(/--[^\n]*/g, '')
  const created = new Set(namesOf(code, CREATE))
  for (const dropped of namesOf(code, DROP)) created.delete(dropped)
  return [...created].sort()
}

function namesOf(sql: string, pattern: RegExp): string[] {
  return [...sql.matchAll(pattern)].flatMap((match) => {
    const schema = match[1]?.replaceAll('""', '"') ?? match[2]?.toLowerCase()
    const name = match[3]?.replaceAll('""', '"') ?? match[4]?.toLowerCase()
    return name !== undefined && (schema === undefined || schema === 'public') ? [name] : []
  })
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}
