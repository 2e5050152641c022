import { createHash } from 'node:crypto'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import type { Queryable } from '../queryable.ts'
import { type FixtureSet, type LabelShape, readFixtureSet } from './fixture-set.ts'
import { insertFixtures } from './insert-fixtures.ts'
import { type FixtureFile, readFixtureFiles } from './read-fixture-files.ts'
import { resolveFixtures } from './resolve-fixtures.ts'

/** Rails-style fixtures from one folder, for a template and for tests. */
export interface LabelledFixtures<Labels extends LabelShape = LabelShape> {
  /** The folder, absolute. */
  readonly dir: string
  /** The tables the files fill, in file name order. */
  readonly tables: readonly string[]
  /** A hash of the files' names and contents: the template's `key`, so an edited file builds a new template. */
  readonly key: string
  /** Inserts the fixtures into the database at `url`: the template's `fixtures` step. */
  readonly load: (url: string) => Promise<void>
  /**
   * The fixture rows as every test starts with them, by table and label (`fixtures.users.alice.id`),
   * read through the test's `db` once and then reused.
   */
  rows(db: Queryable): Promise<FixtureSet<Labels>>
}

/**
 * Labelled fixtures in the Rails style: each `<table>.yml` in `dir` holds rows by label; a row
 * refers to another by label (`author: alice` sets `author_id`); ids derive from labels, so they
 * are the same in every run. Loaded once into the template, so every test starts with them.
 * @example
 * const labelled = labelledFixtures(new URL('./fixtures/db/', import.meta.url))
 * await createIsolation(url, { template: { migrations: 'migrations', fixtures: labelled.load, key: labelled.key } })
 * const fixtures = await labelled.rows(db)
 * fixtures.users.alice.id
 * @deprecated Use `labelledRows`, the same function; this name works until the next release.
 */
export function labelledFixtures<Labels extends LabelShape = LabelShape>(dir: string | URL): LabelledFixtures<Labels> {
  const folder = resolve(dir instanceof URL || dir.startsWith('file:') ? fileURLToPath(dir) : dir)
  const files = readFixtureFiles(folder)
  let rows: Promise<FixtureSet> | undefined
  return {
    dir: folder,
    tables: files.map((file) => file.table),
    key: contentKey(files),
    load: (url) => loadInto(url, files),
    rows(db) {
      rows ??= resolveFixtures(db, files).then((tables) => readFixtureSet(db, tables, folder))
      rows.catch(() => {
        rows = undefined
      })
      return rows as Promise<FixtureSet<Labels>>
    },
  }
}

async function loadInto(url: string, files: readonly FixtureFile[]): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await insertFixtures(client, await resolveFixtures(client, files))
  } finally {
    await client.end()
  }
}

function contentKey(files: readonly FixtureFile[]): string {
  const hash = createHash('sha256')
  for (const file of files) hash.update(`${file.name}\0${file.text}\0`)
  return `labelled-fixtures:${hash.digest('hex').slice(0, 16)}`
}

/**
 * Labelled rows in the Rails style: the name of `labelledFixtures` that does not reuse Vitest's
 * word "fixtures". `labelledFixtures` keeps working until the next release.
 * @example
 * const labelled = labelledRows(new URL('./rows/', import.meta.url))
 * const rows = await labelled.rows(db)
 */
export const labelledRows = labelledFixtures
