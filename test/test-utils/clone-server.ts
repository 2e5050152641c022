import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type pg from 'pg'
import { afterAll, beforeAll } from 'vitest'
import type { Progress } from '../../src/core/progress.ts'
import { cloneLockKey } from '../../src/isolation/database/clone-leases.ts'
import { ensureTemplate, type Template } from '../../src/isolation/templates/ensure-template.ts'
import { postgres } from '../../src/services/postgres/postgres-service.ts'
import { type ServiceSet, startServices } from '../../src/services/service-set.ts'
import { withClient } from './clients.ts'

// Helpers of the `database` strategy's tests: a server with a users template, and what its catalog says.

export const silent: Progress = { step() {}, done() {}, warn() {} }
const MIGRATION = 'CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL UNIQUE);\n'
const SEED = "INSERT INTO users (email) VALUES ('seed@example.com');\n"

/** A server of its own for a test file, started before its tests, with the users template built. */
export function sharedServer(provider: 'embedded' | 'local') {
  const state = {
    set: undefined as ServiceSet | undefined,
    url: '',
    dir: '',
    template: undefined as unknown as Template,
  }
  beforeAll(async () => {
    state.dir = mkdtempSync(join(tmpdir(), 'testbed-database-isolation-'))
    state.set = await startServices({ db: postgres({ provider }) }, { projectDir: state.dir })
    state.url = state.set.services[0]?.url ?? ''
    state.template = await usersTemplate(state.url, state.dir)
  })
  afterAll(async () => {
    await state.set?.stop()
    rmSync(state.dir, { recursive: true, force: true })
  })
  return state
}

/** The users schema with one seed row; `key` makes a template of its own, whose clones no other test makes. */
export async function usersTemplate(url: string, dir: string, key?: string): Promise<Template> {
  mkdirSync(join(dir, 'migrations'), { recursive: true })
  writeFileSync(join(dir, 'migrations', '001_users.sql'), MIGRATION)
  writeFileSync(join(dir, 'seed.sql'), SEED)
  return ensureTemplate(url, { migrations: 'migrations', seeds: ['seed.sql'], key, baseDir: dir }, { keep: 100 })
}

export async function rows<T extends pg.QueryResultRow>(
  url: string,
  sql: string,
  values: unknown[] = [],
): Promise<T[]> {
  return withClient(url, async (client) => (await client.query<T>(sql, values)).rows)
}

export async function emails(url: string): Promise<string[]> {
  return (await rows<{ email: string }>(url, 'SELECT email FROM users ORDER BY id')).map((row) => row.email)
}

export async function clonesOf(url: string, template: Template): Promise<string[]> {
  const prefix = `testbed_db_${template.name.slice('testbed_tpl_'.length)}_`
  const found = await rows<{ datname: string }>(
    url,
    'SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY 1',
    [prefix],
  )
  return found.map((row) => row.datname)
}

export async function exists(url: string, name: string): Promise<boolean> {
  return (await rows(url, 'SELECT 1 FROM pg_database WHERE datname = $1', [name])).length === 1
}

/** The backend holding a clone's lease lock. */
export async function leaseHolder(url: string, name: string): Promise<number | undefined> {
  const found = await rows<{ pid: number }>(
    url,
    `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 1
        AND ((classid::bigint << 32) | objid::bigint) = $1::bigint`,
    [cloneLockKey(name)],
  )
  return found[0]?.pid
}

export function capture(): Progress & { lines: string[] } {
  const lines: string[] = []
  return { lines, step() {}, done: (line) => lines.push(`done: ${line}`), warn: (line) => lines.push(line) }
}
