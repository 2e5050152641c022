import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { findMigrations, type MigrationsFacts } from './find-migrations.ts'
import { noPackageJson, unreadablePackageJson } from './init-errors.ts'

export type PackageManager = 'npm' | 'pnpm' | 'yarn' | 'bun'

/** What `testbed init` learns of a project before writing anything. */
export interface ProjectFacts {
  dir: string
  packageJson: PackageJson
  packageManager: PackageManager
  typescript: boolean
  /** `"type": "module"` in package.json: plain `.js` files are ES modules. */
  esm: boolean
  /** Express, Fastify, Hono, Koa, or node:http when none of those. */
  framework: string
  database: DatabaseFacts | null
  /** The Redis client the project depends on. */
  redis: 'ioredis' | 'redis' | null
  /** An existing `vitest.config.*`, relative to the project. */
  vitestConfig: string | null
}

export interface DatabaseFacts {
  /** pg, Drizzle, Kysely, Prisma, Knex, TypeORM or postgres.js. */
  library: string
  /** Null when the library talks to another database than PostgreSQL (why, for the output). */
  postgres: boolean
  migrations: MigrationsFacts | null
}

export interface PackageJson {
  data: Record<string, unknown> & { scripts?: Record<string, string> }
  /** The file's indentation, kept when testbed adds scripts. */
  indent: string
}

const FRAMEWORKS: Array<[string, string]> = [
  ['express', 'Express'],
  ['fastify', 'Fastify'],
  ['hono', 'Hono'],
  ['koa', 'Koa'],
]
// ORMs and query builders before the drivers they run on.
const DATABASE_LIBRARIES: Array<[string, string]> = [
  ['@prisma/client', 'Prisma'],
  ['prisma', 'Prisma'],
  ['drizzle-orm', 'Drizzle'],
  ['kysely', 'Kysely'],
  ['typeorm', 'TypeORM'],
  ['knex', 'Knex'],
  ['postgres', 'postgres.js'],
  ['pg', 'pg'],
]
const LOCKFILES: Array<[string, PackageManager]> = [
  ['pnpm-lock.yaml', 'pnpm'],
  ['yarn.lock', 'yarn'],
  ['bun.lock', 'bun'],
  ['bun.lockb', 'bun'],
  ['package-lock.json', 'npm'],
]
const VITEST_CONFIGS = ['ts', 'mts', 'cts', 'js', 'mjs', 'cjs'].map((extension) => `vitest.config.${extension}`)

/** Reads package.json, lockfiles and folders of the project in `dir`. */
export function detectProject(dir: string): ProjectFacts {
  const packageJson = readPackageJson(dir)
  const dependencies = dependencyNames(packageJson.data)
  const has = (name: string) => dependencies.has(name)
  return {
    dir,
    packageJson,
    packageManager: packageManagerOf(dir, packageJson.data),
    typescript: existsSync(join(dir, 'tsconfig.json')) || has('typescript'),
    esm: packageJson.data.type === 'module',
    framework: FRAMEWORKS.find(([name]) => has(name))?.[1] ?? 'node:http',
    database: databaseOf(dir, has),
    redis: has('ioredis') ? 'ioredis' : has('redis') ? 'redis' : null,
    vitestConfig: VITEST_CONFIGS.find((name) => existsSync(join(dir, name))) ?? null,
  }
}

function readPackageJson(dir: string): PackageJson {
  const path = join(dir, 'package.json')
  if (!existsSync(path)) throw noPackageJson(dir)
  const text = readFileSync(path, 'utf8')
  try {
    const data = JSON.parse(text) as PackageJson['data']
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error('it is not a JSON object')
    return { data, indent: /^[ \t]+(?=")/m.exec(text)?.[0] ?? '  ' }
  } catch (error) {
    throw unreadablePackageJson(path, error)
  }
}

function dependencyNames(data: PackageJson['data']): Set<string> {
  const fields = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']
  return new Set(fields.flatMap((field) => Object.keys((data[field] as Record<string, string> | undefined) ?? {})))
}

function packageManagerOf(dir: string, data: PackageJson['data']): PackageManager {
  const declared = String(data.packageManager ?? '').split('@')[0] ?? ''
  if (['npm', 'pnpm', 'yarn', 'bun'].includes(declared)) return declared as PackageManager
  return LOCKFILES.find(([file]) => existsSync(join(dir, file)))?.[1] ?? 'npm'
}

function databaseOf(dir: string, has: (name: string) => boolean): DatabaseFacts | null {
  const library = DATABASE_LIBRARIES.find(([name]) => has(name))?.[1]
  if (library === undefined) return null
  const postgres = library === 'Prisma' ? prismaProvider(dir) === 'postgresql' : has('pg') || has('postgres')
  return { library, postgres, migrations: postgres ? findMigrations(dir) : null }
}

/** The `provider` of the datasource in prisma/schema.prisma (or schema.prisma). */
function prismaProvider(dir: string): string | null {
  for (const path of ['prisma/schema.prisma', 'schema.prisma']) {
    if (!existsSync(join(dir, path))) continue
    const schema = readFileSync(join(dir, path), 'utf8')
    return /datasource\s+\w+\s*\{[^}]*?\bprovider\s*=\s*"(\w+)"/.exec(schema)?.[1] ?? null
  }
  return null
}
