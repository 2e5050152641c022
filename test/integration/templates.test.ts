import { randomUUID } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { TestbedError } from '../../src/core/errors.ts'
import { createDatabasePool } from '../../src/isolation/database/database-pool.ts'
import { ensureTemplate, type Template } from '../../src/isolation/templates/ensure-template.ts'
import { buildName, templateName } from '../../src/isolation/templates/template-catalog.ts'
import { templateHash, testbedVersion } from '../../src/isolation/templates/template-hash.ts'
import { resolveTemplateSource, type TemplateSource } from '../../src/isolation/templates/template-source.ts'
import { postgres } from '../../src/services/postgres/postgres-service.ts'
import { type ServiceSet, startServices } from '../../src/services/service-set.ts'
import { withClient } from '../test-utils/clients.ts'
import { tempDir } from '../test-utils/temp-dir.ts'

// Tests in a suite share one server and run concurrently, so each writes files no other test has
// (a unique comment), and keeps many templates so another test's build never collects its own.
const KEEP_ALL = { keep: 1000 }
const silent = { step() {}, done() {}, warn() {} }

function sharedServer(provider: 'embedded' | 'local') {
  const state = { set: undefined as ServiceSet | undefined, url: '', dir: '' }
  beforeAll(async () => {
    state.dir = mkdtempSync(join(tmpdir(), 'testbed-templates-'))
    state.set = await startServices({ db: postgres({ provider }) }, { projectDir: state.dir })
    state.url = state.set.services[0]?.url ?? ''
  })
  afterAll(async () => {
    await state.set?.stop()
    rmSync(state.dir, { recursive: true, force: true })
  })
  return state
}

/** Writes files under a fresh project dir; every file starts with a comment unique to the call. */
function project(files: Record<string, string>): string {
  const dir = tempDir('testbed-template-src-')
  const tag = randomUUID()
  for (const [path, text] of Object.entries(files)) write(dir, path, `-- ${tag}\n${text}`)
  return dir
}

function write(dir: string, path: string, text: string): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true })
  writeFileSync(join(dir, path), text)
}

/** Runs `sql` in a throwaway clone: templates accept no connections themselves. */
async function queryClone<T extends pg.QueryResultRow>(url: string, template: Template, sql: string): Promise<T[]> {
  const clone = `check_${randomUUID().replaceAll('-', '')}`
  await withClient(url, (client) => client.query(`CREATE DATABASE ${clone} TEMPLATE ${template.name}`))
  try {
    return await withClient(
      url.replace(/\/postgres$/, `/${clone}`),
      async (client) => (await client.query<T>(sql)).rows,
    )
  } finally {
    await withClient(url, (client) => client.query(`DROP DATABASE ${clone} WITH (FORCE)`))
  }
}

async function databasesNamed(url: string, names: string[]): Promise<string[]> {
  const { rows } = await withClient(url, (client) =>
    client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname = ANY($1) ORDER BY 1', [names]),
  )
  return rows.map((row) => row.datname)
}

/** The template name testbed would use for a source on this server, computed the way ensureTemplate() does. */
async function expectedName(url: string, source: TemplateSource): Promise<string> {
  const serverVersion = await withClient(url, async (client) => (await client.query('SHOW server_version')).rows[0])
  const hash = templateHash({
    source: await resolveTemplateSource(source),
    serverVersion: serverVersion.server_version,
    testbedVersion: testbedVersion(),
  })
  return templateName(hash)
}

async function failure(promise: Promise<unknown>): Promise<TestbedError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  )
  expect(error).toBeInstanceOf(TestbedError)
  return error as TestbedError
}

const USERS = 'CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL UNIQUE);\n'

for (const provider of ['embedded', 'local'] as const) {
  describe.concurrent(`ensureTemplate() on ${provider} PostgreSQL`, () => {
    const server = sharedServer(provider)

    test('builds a template once, then reuses it without building', async () => {
      const baseDir = project({ 'migrations/001_users.sql': USERS })
      const source = { migrations: 'migrations', baseDir }
      const lines: string[] = []
      const progress = {
        step: (m: string) => lines.push(`… ${m}`),
        done: (m: string) => lines.push(`✓ ${m}`),
        warn() {},
      }
      const first = await ensureTemplate(server.url, source, { ...KEEP_ALL, progress })
      const second = await ensureTemplate(server.url, source, { ...KEEP_ALL, progress })
      expect(lines).toEqual([
        `… building template ${first.name} (1 migration)`,
        expect.stringMatching(/^✓ template built in (\d+ ms|\d+\.\d+ s)$/),
      ])
      expect(first).toMatchObject({ built: true, name: expect.stringMatching(/^testbed_tpl_[0-9a-f]{16}$/) })
      expect(second).toEqual({ ...first, built: false })
      expect(first.url).toBe(server.url.replace(/\/postgres$/, `/${first.name}`))
      expect(await queryClone(server.url, first, 'SELECT count(*)::int AS n FROM users')).toEqual([{ n: 0 }])
    })

    test('reads Prisma Migrate’s layout: each <timestamp>_<name>/migration.sql, in folder order', async () => {
      const baseDir = project({
        'prisma/migrations/20250102000000_posts/migration.sql':
          'CREATE TABLE posts (id serial PRIMARY KEY, user_id int REFERENCES users);',
        'prisma/migrations/20250101000000_init/migration.sql': USERS,
        'prisma/migrations/migration_lock.toml': 'provider = "postgresql"',
      })
      const template = await ensureTemplate(server.url, { migrations: 'prisma/migrations', baseDir }, KEEP_ALL)
      const tables = await queryClone(
        server.url,
        template,
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
      )
      expect(tables).toEqual([{ tablename: 'posts' }, { tablename: 'users' }])
    })

    test('marks a built template as a template that accepts no connections', async () => {
      const template = await ensureTemplate(
        server.url,
        { migrations: 'migrations', baseDir: project({ 'migrations/001.sql': USERS }) },
        KEEP_ALL,
      )
      const { rows } = await withClient(server.url, (client) =>
        client.query('SELECT datistemplate, datallowconn FROM pg_database WHERE datname = $1', [template.name]),
      )
      expect(rows).toEqual([{ datistemplate: true, datallowconn: false }])
    })

    test('a changed migration builds a new template; the old one is reused when the change is undone', async () => {
      const baseDir = project({ 'migrations/001_users.sql': USERS })
      const source = { migrations: 'migrations', baseDir }
      const before = await ensureTemplate(server.url, source, KEEP_ALL)
      write(baseDir, 'migrations/002_posts.sql', 'CREATE TABLE posts (id serial PRIMARY KEY);')
      const changed = await ensureTemplate(server.url, source, KEEP_ALL)
      rmSync(join(baseDir, 'migrations/002_posts.sql'))
      const undone = await ensureTemplate(server.url, source, KEEP_ALL)
      expect(changed.built).toBe(true)
      expect(changed.name).not.toBe(before.name)
      expect(undone).toEqual({ ...before, built: false })
      expect(await queryClone(server.url, changed, 'SELECT count(*)::int AS n FROM posts')).toEqual([{ n: 0 }])
    })

    test('applies migrations in name order, skipping .down.sql files', async () => {
      const baseDir = project({
        'migrations/002_add_name.sql': 'ALTER TABLE users ADD COLUMN name text;',
        'migrations/001_users.sql': USERS,
        'migrations/001_users.down.sql': 'DROP TABLE users;',
        'migrations/README.md': 'not SQL',
      })
      const template = await ensureTemplate(server.url, { migrations: 'migrations', baseDir }, KEEP_ALL)
      const columns = await queryClone<{ column_name: string }>(
        server.url,
        template,
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'users' ORDER BY ordinal_position",
      )
      expect(columns.map((column) => column.column_name)).toEqual(['id', 'email', 'name'])
    })

    test('applies seed files after the migrations, in the order given', async () => {
      const baseDir = project({
        'migrations/001_users.sql': USERS,
        'seeds/users.sql': "INSERT INTO users (email) VALUES ('ada@example.com');",
        'seeds/more-users.sql': "INSERT INTO users (email) SELECT 'grace@' || split_part(email, '@', 2) FROM users;",
      })
      const seeds = ['seeds/users.sql', 'seeds/more-users.sql']
      const template = await ensureTemplate(server.url, { migrations: 'migrations', seeds, baseDir }, KEEP_ALL)
      const rows = await queryClone(server.url, template, 'SELECT id, email FROM users ORDER BY id')
      expect(rows).toEqual([
        { id: 1, email: 'ada@example.com' },
        { id: 2, email: 'grace@example.com' },
      ])
    })

    test('takes a migrate(url) function, hashed with its key, then seeds and fixtures', async () => {
      const baseDir = project({ 'seed.sql': "INSERT INTO users (email) VALUES ('seed@example.com');" })
      const migrations = async (url: string) => {
        await withClient(url, (client) => client.query(USERS))
      }
      const fixtures = async (url: string) => {
        await withClient(url, (client) => client.query("INSERT INTO users (email) VALUES ('fixture@example.com')"))
      }
      const source = { migrations, seeds: ['seed.sql'], fixtures, key: randomUUID(), baseDir }
      const template = await ensureTemplate(server.url, source, KEEP_ALL)
      const again = await ensureTemplate(server.url, source, KEEP_ALL)
      const newKey = await ensureTemplate(server.url, { ...source, key: randomUUID() }, KEEP_ALL)
      expect([template.built, again.built, newKey.built]).toEqual([true, false, true])
      expect(newKey.name).not.toBe(template.name)
      const rows = await queryClone(server.url, template, 'SELECT email FROM users ORDER BY id')
      expect(rows).toEqual([{ email: 'seed@example.com' }, { email: 'fixture@example.com' }])
    })

    test('two concurrent calls for the same template build it once; the other waits and reuses it', async () => {
      let builds = 0
      const migrations = async (url: string) => {
        builds++
        await new Promise((resolve) => setTimeout(resolve, 300))
        await withClient(url, (client) => client.query(USERS))
      }
      const source = { migrations, key: randomUUID(), baseDir: tmpdir() }
      const results = await Promise.all([
        ensureTemplate(server.url, source, KEEP_ALL),
        ensureTemplate(server.url, source, KEEP_ALL),
      ])
      expect(builds).toBe(1)
      expect(results.map((result) => result.built).sort()).toEqual([false, true])
      expect(results[0]?.name).toBe(results[1]?.name)
    })

    test('a failing migration names the file, the line and the server message, and caches nothing', async () => {
      const baseDir = project({
        'migrations/001_users.sql': USERS,
        'migrations/002_posts.sql': [
          'CREATE TABLE posts (',
          '  id serial PRIMARY KEY,',
          '  user_id int REFERENCES users (id)',
          ');',
          '',
          'CREATE TABL comments (id serial PRIMARY KEY);',
        ].join('\n'),
      })
      const source = { migrations: 'migrations', baseDir }
      const progress: string[] = []
      const error = await failure(
        ensureTemplate(server.url, source, { ...KEEP_ALL, progress: { ...silent, done: (m) => progress.push(m) } }),
      )
      expect(error.code).toBe('TESTBED_TEMPLATE_MIGRATION_FAILED')
      // Line 7 of the file: testbed's project() helper adds a comment line on top.
      expect(error.message).toBe(
        [
          '[testbed] ensureTemplate() could not apply `migrations`: migrations/002_posts.sql, line 7.',
          'PostgreSQL rejected a statement: syntax error at or near "TABL". Fix it and run again; the half-built template was dropped, so nothing was cached.',
          '  • line 7: CREATE TABL comments (id serial PRIMARY KEY);',
          'Read more: node_modules/testbed/docs/errors.md#testbed_template_migration_failed',
        ].join('\n'),
      )
      expect(error.cause).toBeInstanceOf(pg.DatabaseError)
      expect(progress).toEqual([])
      const name = await expectedName(server.url, source)
      expect(await databasesNamed(server.url, [name, buildName(name.slice('testbed_tpl_'.length))])).toEqual([])
      const again = await failure(ensureTemplate(server.url, source, KEEP_ALL))
      expect(again.message).toBe(error.message)
    })

    test('a seed statement that fails while it runs is found by its line, though the server gives no position', async () => {
      const baseDir = project({
        'migrations/001_users.sql': USERS,
        'seeds/users.sql':
          "INSERT INTO users (id, email) VALUES (1, 'a@example.com');\nINSERT INTO users (id, email) VALUES (1, 'b@example.com');",
      })
      const error = await failure(
        ensureTemplate(server.url, { migrations: 'migrations', seeds: ['seeds/users.sql'], baseDir }, KEEP_ALL),
      )
      expect(error.code).toBe('TESTBED_TEMPLATE_SEED_FAILED')
      // Line 3 of the file: testbed's project() helper adds a comment line on top.
      expect(error.message).toBe(
        [
          '[testbed] ensureTemplate() could not apply `seeds`: seeds/users.sql, line 3.',
          'PostgreSQL rejected a statement: duplicate key value violates unique constraint "users_pkey". Fix it and run again; the half-built template was dropped, so nothing was cached.',
          "  • line 3: INSERT INTO users (id, email) VALUES (1, 'b@example.com');",
          '  • detail: Key (id)=(1) already exists.',
          'Read more: node_modules/testbed/docs/errors.md#testbed_template_seed_failed',
        ].join('\n'),
      )
    })

    test('a migration statement that fails at run time inside its own transaction names the line it starts on', async () => {
      const baseDir = project({
        'migrations/001_users.sql': [
          'BEGIN;',
          USERS,
          "INSERT INTO users (email) VALUES ('a@example.com');",
          '-- A constraint the existing row breaks: checked while the statement runs.',
          'ALTER TABLE users',
          "  ADD CONSTRAINT users_email_example CHECK (email NOT LIKE '%@example.com');",
          'COMMIT;',
        ].join('\n'),
      })
      const error = await failure(ensureTemplate(server.url, { migrations: 'migrations', baseDir }, KEEP_ALL))
      expect(error.code).toBe('TESTBED_TEMPLATE_MIGRATION_FAILED')
      // Line 7: the helper's comment line, BEGIN, USERS and the blank line its newline leaves, the INSERT, the comment.
      const line = 7
      expect(error.message).toBe(
        [
          `[testbed] ensureTemplate() could not apply \`migrations\`: migrations/001_users.sql, line ${line}.`,
          'PostgreSQL rejected a statement: check constraint "users_email_example" of relation "users" is violated by some row. Fix it and run again; the half-built template was dropped, so nothing was cached.',
          `  • line ${line}: ALTER TABLE users`,
          'Read more: node_modules/testbed/docs/errors.md#testbed_template_migration_failed',
        ].join('\n'),
      )
    })

    test('a migrate function that throws fails the build with its message', async () => {
      const migrations = async () => {
        throw new Error('the migrator could not find its journal.')
      }
      const error = await failure(
        ensureTemplate(server.url, { migrations, key: randomUUID(), baseDir: tmpdir() }, KEEP_ALL),
      )
      expect(error.code).toBe('TESTBED_TEMPLATE_MIGRATION_FAILED')
      expect(error.message).toBe(
        [
          '[testbed] ensureTemplate() could not apply `migrations`: the migrations function threw.',
          'the migrator could not find its journal. Fix it and run again; the half-built template was dropped, so nothing was cached.',
          'Read more: node_modules/testbed/docs/errors.md#testbed_template_migration_failed',
        ].join('\n'),
      )
    })

    test('a migrate function that leaves a connection open is told to close it', async () => {
      let leaked: pg.Client | undefined
      const migrations = async (url: string) => {
        leaked = new pg.Client(url)
        leaked.on('error', () => {})
        await leaked.connect()
        await leaked.query(USERS)
      }
      try {
        const error = await failure(
          ensureTemplate(server.url, { migrations, key: randomUUID(), baseDir: tmpdir() }, KEEP_ALL),
        )
        expect(error.code).toBe('TESTBED_TEMPLATE_CONNECTIONS_LEFT_OPEN')
        expect(error.message.split('\n').slice(0, 2)).toEqual([
          expect.stringMatching(
            /^\[testbed\] ensureTemplate\(\) could not finish the template: testbed_tplbuild_[0-9a-f]{16}\.$/,
          ),
          'The `migrations` or `fixtures` function left connections open to it, and a template cannot be cloned while anyone is connected. Close them before the function returns (for example `await pool.end()` or `await client.end()`).',
        ])
      } finally {
        await leaked?.end().catch(() => {})
      }
    })
  })
}

describe('ensureTemplate() input validation', () => {
  test('names a missing migrations folder and where relative paths resolve', async () => {
    const baseDir = tempDir('testbed-template-src-')
    const error = await failure(ensureTemplate('postgresql://unused', { migrations: 'db/migrations', baseDir }))
    expect(error.code).toBe('TESTBED_TEMPLATE_SOURCE_MISSING')
    expect(error.message).toBe(
      [
        `[testbed] ensureTemplate() cannot read \`migrations\`: ${baseDir}/db/migrations.`,
        'The folder does not exist or cannot be read (relative paths resolve against `baseDir`). Create it, or correct the path.',
        `  • ENOENT: no such file or directory, scandir '${baseDir}/db/migrations'`,
        'Read more: node_modules/testbed/docs/errors.md#testbed_template_source_missing',
      ].join('\n'),
    )
  })

  test('rejects an invalid keep option before connecting', async () => {
    const error = await failure(ensureTemplate('postgresql://unused', { baseDir: tmpdir() }, { keep: 0 }))
    expect(error.message).toBe(
      [
        '[testbed] Invalid option in ensureTemplate(): `keep`.',
        'Expected the `keep` option to be a positive integer, got `0` (number). Fix `keep` in testbed.config.ts, or remove it to use the default.',
        'Read more: node_modules/testbed/docs/errors.md#testbed_config_invalid',
      ].join('\n'),
    )
  })
})

describe('template garbage collection', () => {
  const server = sharedServer('embedded')
  const build = (n: string, keep: number) =>
    ensureTemplate(
      server.url,
      { migrations: 'm', baseDir: project({ [`m/${n}.sql`]: USERS }) },
      { keep, progress: silent },
    )
  const existing = (templates: Template[]) =>
    databasesNamed(
      server.url,
      templates.map((template) => template.name),
    )

  test('keeps the most recently used templates and drops the rest', async () => {
    const a = await build('a', 2)
    const b = await build('b', 2)
    const c = await build('c', 2)
    expect(await existing([a, b, c])).toEqual([b.name, c.name].sort())
  })

  test('a reused template counts as recently used', async () => {
    const baseDir = project({ 'm/1.sql': USERS })
    const old = await ensureTemplate(server.url, { migrations: 'm', baseDir }, { keep: 2 })
    const middle = await build('middle', 2)
    expect((await ensureTemplate(server.url, { migrations: 'm', baseDir }, { keep: 2 })).built).toBe(false)
    const newest = await build('newest', 2)
    expect(await existing([old, middle, newest])).toEqual([old.name, newest.name].sort())
  })

  test('drops half-built leftovers that nobody is building', async () => {
    await withClient(server.url, (client) => client.query('CREATE DATABASE testbed_tplbuild_00000000deadbeef'))
    await build('after-crash', 3)
    expect(await databasesNamed(server.url, ['testbed_tplbuild_00000000deadbeef'])).toEqual([])
  })

  test('never drops a template that a live clone pool is using', async () => {
    const used = await build('used', 1)
    const pool = await createDatabasePool(server.url, used, { size: 1, progress: silent })
    try {
      const newer = await build('newer', 1)
      const newest = await build('newest-of-all', 1)
      expect(await existing([used, newer, newest])).toEqual([used.name, newest.name].sort())
      await pool.release((await pool.acquire()).name)
    } finally {
      await pool.close()
    }
  })
})
