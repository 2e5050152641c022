import pg from 'pg'
import { formatMs, type Progress, silentProgress } from '../../core/progress.ts'
import { advisoryLockKey } from './advisory-lock-key.ts'
import { buildTemplate } from './build-template.ts'
import { connectAdmin, type ServerInfo, serverInfo } from './connect-admin.ts'
import { databaseUrl } from './database-url.ts'
import { dropOldTemplates } from './drop-old-templates.ts'
import { findTemplate, shortHash, type TemplateMeta, templateName, writeMeta } from './template-catalog.ts'
import { templateHash, testbedVersion } from './template-hash.ts'
import {
  type ResolvedSource,
  resolveTemplateSource,
  type TemplateSource,
  validateTemplateSource,
} from './template-source.ts'
import { validateTemplateOptions } from './validate-template-options.ts'

export interface EnsureTemplateOptions {
  /**
   * How many templates to keep on the server, most recently used first; older ones are dropped
   * after a build.
   * @default 3
   */
  keep?: number
  /**
   * Where build progress is reported.
   * @default silent
   */
  progress?: Progress
}

/** A template database, ready to be cloned. */
export interface Template {
  /** `testbed_tpl_<first 16 hex digits of hash>`. */
  name: string
  /** The hash of everything the template was built from. */
  hash: string
  /** The template's URL. It accepts no connections (that keeps it clonable): clone it instead. */
  url: string
  /** True when this call built the template, false when it reused one. */
  built: boolean
}

/**
 * Returns the template for `source`, building it only when no template with the same inputs exists.
 * Concurrent callers, in this process or others, wait for one build instead of each building.
 * @example
 * const template = await ensureTemplate(process.env.TESTBED_POSTGRES_URL, {
 *   migrations: 'db/migrations',
 *   seeds: ['db/seed.sql'],
 *   baseDir: process.cwd(),
 * })
 */
export async function ensureTemplate(
  adminUrl: string,
  source: TemplateSource,
  options: EnsureTemplateOptions = {},
): Promise<Template> {
  validateTemplateSource(source)
  validateTemplateOptions('ensureTemplate()', options, ['keep', 'progress'])
  const resolved = await resolveTemplateSource(source)
  const admin = await connectAdmin(adminUrl, 'ensureTemplate()')
  try {
    return await ensureOnServer(admin, adminUrl, resolved, options)
  } finally {
    await admin.end().catch(() => {})
  }
}

async function ensureOnServer(
  admin: pg.Client,
  adminUrl: string,
  source: ResolvedSource,
  options: EnsureTemplateOptions,
): Promise<Template> {
  const server = await serverInfo(admin, 'ensureTemplate()')
  const hash = templateHash({ source, serverVersion: server.version, testbedVersion: testbedVersion() })
  const name = templateName(hash)
  const found = (built: boolean): Template => ({ name, hash, url: databaseUrl(adminUrl, name), built })
  if (await reuse(admin, name)) return found(false)
  const key = advisoryLockKey('template', shortHash(hash))
  await lockForBuild(admin, key, name, options.progress ?? silentProgress)
  try {
    if (await reuse(admin, name)) return found(false)
    await build(admin, { adminUrl, name, source, meta: newMeta(hash, server) }, options)
    return found(true)
  } finally {
    await admin.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => {})
  }
}

/** Marks an existing template as used now, so garbage collection keeps it. */
async function reuse(admin: pg.Client, name: string): Promise<boolean> {
  const meta = await findTemplate(admin, name)
  if (meta === null) return false
  try {
    await writeMeta(admin, name, { ...meta, used: new Date().toISOString() })
    return true
  } catch (error) {
    // Another process's garbage collection dropped it between the two queries: build it again.
    if (error instanceof pg.DatabaseError && error.code === '3D000') return false
    throw error
  }
}

async function lockForBuild(admin: pg.Client, key: string, name: string, progress: Progress): Promise<void> {
  const { rows } = await admin.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [key])
  if (rows[0]?.locked) return
  progress.step(`waiting for another process to finish building template ${name}`)
  await admin.query('SELECT pg_advisory_lock($1)', [key])
}

async function build(
  admin: pg.Client,
  plan: Parameters<typeof buildTemplate>[1],
  options: EnsureTemplateOptions,
): Promise<void> {
  const progress = options.progress ?? silentProgress
  const started = performance.now()
  progress.step(`building template ${plan.name} (${describeSource(plan.source)})`)
  await buildTemplate(admin, plan)
  progress.done(`template built in ${formatMs(performance.now() - started)}`)
  const dropped = await dropOldTemplates(admin, options.keep ?? 3)
  if (dropped.length > 0) progress.done(`dropped ${count(dropped.length, 'old template')}: ${dropped.join(', ')}`)
}

function newMeta(hash: string, server: ServerInfo): TemplateMeta {
  const now = new Date().toISOString()
  return { hash, testbed: testbedVersion(), server: server.version, created: now, used: now }
}

function describeSource(source: ResolvedSource): string {
  const parts = [
    source.migrationFiles.length > 0 ? count(source.migrationFiles.length, 'migration') : '',
    source.migrate ? 'migrations function' : '',
    source.seedFiles.length > 0 ? count(source.seedFiles.length, 'seed') : '',
    source.fixtures ? 'fixtures' : '',
  ].filter(Boolean)
  return parts.length > 0 ? parts.join(', ') : 'empty'
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`
}
