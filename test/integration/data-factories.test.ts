import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { defineFactory } from '../../src/data/factories/define-factory.ts'
import { factoriesFor } from '../../src/data/factories/factory-session.ts'
import { createIsolation, ISOLATION_NAMES } from '../../src/isolation/create-isolation.ts'
import type { IsolatedDatabase } from '../../src/isolation/isolated-database.ts'
import { comment, post, user } from '../data/blog-factories.ts'
import { postgresForFile } from '../test-utils/file-postgres.ts'

const template = {
  migrations: 'migrations',
  seeds: ['seed.sql'],
  baseDir: fileURLToPath(new URL('../data/blog-schema/', import.meta.url)),
}
const registry = { user, post, comment }

const server = postgresForFile()

async function counts(db: IsolatedDatabase) {
  const { rows } = await db.query(
    'SELECT (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM posts)::int AS posts, (SELECT count(*) FROM comments)::int AS comments',
  )
  return rows[0]
}

describe.concurrent('factories on a real server', () => {
  for (const strategy of ISOLATION_NAMES) {
    test(`${strategy}: rows created through the test's database, associations included, are gone after each test`, async () => {
      await using isolation = await createIsolation(server.url, { strategy, template })
      for (let round = 0; round < 3; round++) {
        const db = await isolation.begin()
        expect(await counts(db)).toEqual({ users: 1, posts: 0, comments: 0 })
        const factories = factoriesFor(db, { factories: registry, key: `${strategy} ${round}` })
        // A post creates its author; two comments each create an admin author and point at the post.
        await factories.post.create({ comments: 2 })
        await factories.user.createList(2)
        expect(await counts(db)).toEqual({ users: 6, posts: 1, comments: 2 })
        await isolation.rollback(db)
      }
    })
  }

  test('create returns the stored row by field, with the ids and defaults the database filled in', async () => {
    await using isolation = await createIsolation(server.url, { template })
    const db = await isolation.begin()
    const factories = factoriesFor(db, { factories: registry })
    const created = await factories.post.published.create({ metadata: { words: 2 } })
    expect(created).toMatchObject({
      id: expect.any(Number),
      authorId: created.author.id,
      published: true,
      metadata: { words: 2 },
      author: { id: expect.any(Number), role: 'member', createdAt: expect.any(Date) },
    })
    const { rows } = await db.query('SELECT author_id, title FROM posts WHERE id = $1', [created.id])
    expect(rows).toEqual([{ author_id: created.author.id, title: created.title }])
    await isolation.rollback(db)
  })

  test('an association given, or its key, is used instead of creating one; traits apply to created associations', async () => {
    await using isolation = await createIsolation(server.url, { template })
    const db = await isolation.begin()
    const factories = factoriesFor(db, { factories: registry })
    const author = await factories.user.admin.create()
    const first = await factories.post.create({ author })
    const second = await factories.post.create({ authorId: author.id })
    expect([first.authorId, second.authorId]).toEqual([author.id, author.id])
    const note = await factories.comment.create({ post: first })
    expect(note.author.role).toBe('admin')
    expect(await counts(db)).toEqual({ users: 3, posts: 2, comments: 1 })
    await isolation.rollback(db)
  })

  test('a seed row and a factory-created row sit side by side', async () => {
    await using isolation = await createIsolation(server.url, { template })
    const db = await isolation.begin()
    await factoriesFor(db).factory(user).create({ email: 'made@example.com' })
    const { rows } = await db.query('SELECT email FROM users ORDER BY id')
    expect(rows).toEqual([{ email: 'seed@example.com' }, { email: 'made@example.com' }])
    await isolation.rollback(db)
  })

  test('the same seed and test key store the same faker values, run after run', async () => {
    await using isolation = await createIsolation(server.url, { template })
    const names: unknown[] = []
    for (let run = 0; run < 2; run++) {
      const db = await isolation.begin()
      const factories = factoriesFor(db, { factories: registry, seed: 1234, key: 'replays > the failing test' })
      await factories.post.createList(2)
      names.push(
        (await db.query('SELECT u.name, p.body FROM posts p JOIN users u ON u.id = p.author_id ORDER BY p.id')).rows,
      )
      await isolation.rollback(db)
    }
    expect(names[0]).toEqual(names[1])
    expect(names[0]).toHaveLength(2)
  })

  test('a unique violation passes through as the driver raised it', async () => {
    await using isolation = await createIsolation(server.url, { template })
    const db = await isolation.begin()
    await expect(factoriesFor(db).factory(user).create({ email: 'seed@example.com' })).rejects.toMatchObject({
      code: '23505',
    })
    await isolation.rollback(db)
  })
})

describe.concurrent('factories that do not match the schema', () => {
  const nicknamed = defineFactory<{ email: string; name: string; nickname: string }>()({
    table: 'users',
    defaults: { email: 'e@example.com', name: 'N', nickname: 'nick' },
  })
  const columns = '`id`, `email`, `name`, `role`, `created_at`'

  test('transaction: an attribute with no column names the table and its columns', async () => {
    await using isolation = await createIsolation(server.url, { strategy: 'transaction', template })
    const db = await isolation.begin()
    await expect(factoriesFor(db).factory(nicknamed).create()).rejects.toThrow(
      '[testbed] Factory `users` sets an attribute that table `users` has no column for: `nickname`.\n' +
        `Attributes map to columns by snake_case name, or by the factory's \`columns\` option; its columns are ${columns}. ` +
        'Rename or remove the attribute, map it with `columns`, or declare it under `transient` if it only feeds other defaults.',
    )
    await isolation.rollback(db)
  })

  test('database: the same through a bare pool, which has no URL of its own', async () => {
    await using isolation = await createIsolation(server.url, { strategy: 'database', template })
    const db = await isolation.begin()
    const renamed = defineFactory<{ emailAddress: string }>()({
      name: 'renamed',
      table: 'users',
      defaults: { emailAddress: 'x' },
    })
    await expect(factoriesFor(db.pool).factory(renamed).create()).rejects.toThrow(
      '[testbed] Factory `renamed` sets an attribute that table `users` has no column for: `emailAddress` (column `email_address`).\n' +
        `Attributes map to columns by snake_case name, or by the factory's \`columns\` option; its columns are ${columns}. ` +
        'Rename or remove the attribute, map it with `columns`, or declare it under `transient` if it only feeds other defaults.',
    )
    await isolation.rollback(db)
  })

  test('a table that does not exist is named', async () => {
    await using isolation = await createIsolation(server.url, { template })
    const db = await isolation.begin()
    const ghost = defineFactory<{ email: string }>()({ table: 'userz', defaults: { email: 'x' } })
    await expect(factoriesFor(db).factory(ghost).create()).rejects.toThrow(
      '[testbed] Factory `userz` writes to a table that does not exist: `userz`.\n' +
        "`table` names the table create() inserts into; it must exist in the test's database (schema-qualify it when it is not on the search_path). " +
        'Correct `table` in defineFactory(), or add the migration that creates it.',
    )
    await isolation.rollback(db)
  })

  test('columns maps fields to differently named columns', async () => {
    await using isolation = await createIsolation(server.url, { template })
    const db = await isolation.begin()
    const mapped = defineFactory<{ id: number; address: string; fullName: string }>()({
      table: 'users',
      columns: { address: 'email', fullName: 'name' },
      defaults: { address: ({ sequence }) => `mapped${sequence}@example.com`, fullName: 'Mapped' },
    })
    const created = await factoriesFor(db).factory(mapped).create()
    expect(created).toMatchObject({ address: expect.stringMatching(/^mapped/), fullName: 'Mapped', role: 'member' })
    await isolation.rollback(db)
  })
})
