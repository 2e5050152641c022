import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { factoriesFor } from '../../src/data/factories/factory-session.ts'
import { fixtureId, fixtureUuid } from '../../src/data/labelled/fixture-id.ts'
import { labelledFixtures } from '../../src/data/labelled/labelled-fixtures.ts'
import { createIsolation, ISOLATION_NAMES, type Isolation } from '../../src/isolation/create-isolation.ts'
import { user } from '../data/blog-factories.ts'
import { postgresForFile } from '../test-utils/file-postgres.ts'
import { tempDir } from '../test-utils/temp-dir.ts'

const baseDir = fileURLToPath(new URL('../data/blog-schema/', import.meta.url))
const labelled = labelledFixtures<{ users: 'alice' | 'bob'; posts: 'hello' | 'draft'; tags: 'ruby' }>(
  join(baseDir, 'labelled'),
)
const template = { migrations: 'migrations', seeds: ['seed.sql'], fixtures: labelled.load, key: labelled.key, baseDir }

const server = postgresForFile()

describe.concurrent('labelled fixtures in the template', () => {
  for (const strategy of ISOLATION_NAMES) {
    test(`${strategy}: every test starts with them, at ids derived from their labels`, async () => {
      await using isolation = await createIsolation(server.url, { strategy, template })
      for (let round = 0; round < 2; round++) {
        const db = await isolation.begin()
        const { rows } = await db.query('SELECT id, email, role FROM users ORDER BY email')
        expect(rows).toEqual([
          { id: fixtureId('alice'), email: 'alice@example.com', role: 'admin' },
          { id: fixtureId('bob'), email: 'bob@example.com', role: 'member' },
          { id: 1, email: 'seed@example.com', role: 'admin' },
        ])
        const posts = await db.query('SELECT id, author_id, metadata FROM posts ORDER BY title')
        expect(posts.rows).toEqual([
          { id: fixtureId('hello'), author_id: fixtureId('alice'), metadata: { tags: ['intro', 'welcome'], words: 2 } },
          { id: fixtureId('draft'), author_id: fixtureId('bob'), metadata: null },
        ])
        // A factory row next to them gets an id past the fixtures': the sequence was moved.
        const made = await factoriesFor(db).factory(user).create()
        expect(made.id).toBeGreaterThan(Math.max(fixtureId('alice'), fixtureId('bob')))
        await isolation.rollback(db)
      }
    })
  }

  test('ids are the same in every run and on every machine (Rails-compatible)', () => {
    expect(fixtureId('alice')).toBe(663665735)
    expect(fixtureUuid('ruby')).toBe('ccb5b8fa-9578-5f70-84c1-1ff592c74839')
  })
})

describe('rows()', () => {
  let isolation: Isolation
  beforeAll(async () => {
    isolation = await createIsolation(server.url, { template })
  })
  afterAll(() => isolation.close())

  test('gives each fixture row by table and label, as stored, references resolved', async () => {
    const db = await isolation.begin()
    const fixtures = await labelled.rows(db)
    expect(fixtures.users.alice).toEqual({
      id: fixtureId('alice'),
      email: 'alice@example.com',
      name: 'Alice Liddell',
      role: 'admin',
      created_at: expect.any(Date),
    })
    expect(fixtures.posts.hello.author_id).toBe(fixtures.users.alice.id)
    expect(fixtures.tags.ruby.id).toBe(fixtureUuid('ruby'))
    const comments = await db.query('SELECT post_id, author_id FROM comments ORDER BY body')
    expect(comments.rows).toEqual([
      { post_id: fixtureId('hello'), author_id: fixtureId('bob') },
      { post_id: fixtureId('draft'), author_id: null },
    ])
    await isolation.rollback(db)
  })

  test('an unknown table or label lists the known ones and suggests the closest', async () => {
    const db = await isolation.begin()
    const fixtures = (await labelled.rows(db)) as unknown as Record<string, Record<string, unknown>>
    expect(() => fixtures.userz).toThrow(
      '[testbed] No labelled fixture file for table: `userz`.\n' +
        `The labelled fixtures in ${labelled.dir} fill the tables \`comments\`, \`posts\`, \`tags\`, \`users\`. ` +
        `Did you mean \`users\`? Otherwise, add userz.yml to ${labelled.dir}.`,
    )
    expect(() => fixtures.users?.alcie).toThrow(
      '[testbed] No fixture labelled so in users.yml: `alcie`.\n' +
        'users.yml defines `alice`, `bob`. Did you mean `alice`? Otherwise, add the label to users.yml.',
    )
    await isolation.rollback(db)
  })
})

describe('bad labelled fixtures', () => {
  let isolation: Isolation
  beforeAll(async () => {
    isolation = await createIsolation(server.url, {
      strategy: 'database',
      template: { migrations: 'migrations', baseDir },
    })
  })
  afterAll(() => isolation.close())

  function folder(files: Record<string, string>): string {
    const dir = join(tempDir(), 'labelled')
    mkdirSync(dir)
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
    return dir
  }

  const USERS = 'alice:\n  email: a@example.com\n  name: A\nbob:\n  email: b@example.com\n  name: B\n'

  test('a label referenced but not defined names the file, line and label, and suggests the closest', async () => {
    const dir = folder({ 'users.yml': USERS, 'posts.yml': 'hello:\n  title: Hi\n  author: alcie\n' })
    const db = await isolation.begin()
    await expect(labelledFixtures(dir).load(db.url)).rejects.toThrow(
      `[testbed] Fixture label referenced but not defined: \`alcie\` at ${join(dir, 'posts.yml')}:3 (\`hello.author\`).\n` +
        '`author` refers to a row of `users`, and users.yml defines `alice`, `bob`. ' +
        'Did you mean `alice`? Otherwise, define `alcie` in users.yml, or correct the reference.',
    )
    await isolation.rollback(db)
  })

  test('a reference to a table with no fixture file says so', async () => {
    const dir = folder({ 'posts.yml': 'hello:\n  title: Hi\n  author: alice\n' })
    const db = await isolation.begin()
    await expect(labelledFixtures(dir).load(db.url)).rejects.toThrow(
      `[testbed] Fixture label referenced but not defined: \`alice\` at ${join(dir, 'posts.yml')}:3 (\`hello.author\`).\n` +
        '`author` refers to a row of `users`, which has no fixture file in this folder. ' +
        "Add users.yml defining `alice`, or write the key's value instead of a label.",
    )
    await isolation.rollback(db)
  })

  test('a key that is no column names the table, its columns, and the closest reference', async () => {
    const dir = folder({ 'users.yml': USERS, 'posts.yml': 'hello:\n  title: Hi\n  autor: alice\n' })
    const db = await isolation.begin()
    await expect(labelledFixtures(dir).load(db.url)).rejects.toThrow(
      `[testbed] Fixture row sets a column that table \`posts\` does not have: ${join(dir, 'posts.yml')}:3 (\`hello.autor\`).\n` +
        '`posts` has the columns `id`, `author_id`, `title`, `body`, `published`, `metadata`; ' +
        'a reference to another fixture is written as its foreign key without `_id` (`author: alice` for `author_id`). ' +
        'Did you mean `author`? Otherwise, rename or remove the key.',
    )
    await isolation.rollback(db)
  })

  test('a file named after no table suggests the closest table', async () => {
    const dir = folder({ 'userz.yml': USERS })
    const db = await isolation.begin()
    await expect(labelledFixtures(dir).load(db.url)).rejects.toThrow(
      `[testbed] Labelled fixture file for a table that does not exist: ${join(dir, 'userz.yml')}.\n` +
        'Each file fills the table it is named after (`userz.yml` → `userz`), and the database has no `userz`. ' +
        'Did you mean `users`? Otherwise, rename the file after its table, or add the migration that creates the table.',
    )
    await isolation.rollback(db)
  })

  test('a malformed file is refused when the fixtures are declared, naming file and line', () => {
    const dir = folder({ 'users.yml': 'alice:\n  email: a@example.com\n bob: x\n' })
    expect(() => labelledFixtures(dir)).toThrow(
      `[testbed] Malformed YAML in fixture file: ${join(dir, 'users.yml')}:3:1.\n`,
    )
  })

  test('a template build with bad fixtures fails, carrying the fixture error', async () => {
    const dir = folder({ 'users.yml': USERS, 'posts.yml': 'hello:\n  title: Hi\n  author: carol\n' })
    const bad = labelledFixtures(dir)
    await expect(
      createIsolation(server.url, {
        template: { migrations: 'migrations', baseDir, fixtures: bad.load, key: bad.key },
      }),
    ).rejects.toThrow('Fixture label referenced but not defined: `carol`')
  })
})
