import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { describe, expect, test } from 'vitest'
import { factoriesFor } from '../../src/data/factories/factory-session.ts'
import { createIsolation } from '../../src/isolation/create-isolation.ts'
import { user } from '../data/blog-factories.ts'
import { postgresForFile } from '../test-utils/file-postgres.ts'

const WORKER = fileURLToPath(new URL('../data/sequence-worker.ts', import.meta.url))
const PER_WORKER = 40
const template = {
  migrations: 'migrations',
  baseDir: fileURLToPath(new URL('../data/blog-schema/', import.meta.url)),
}

const server = postgresForFile()

interface Worker {
  /** The emails the worker created, once it has created them all. */
  emails: Promise<string[]>
  /** Lets the worker exit, and waits for it to. */
  finish(): Promise<void>
}

function startWorker(url: string): Worker {
  // The state dir (where sequence slots are leased) is inherited, as Vitest's workers inherit it.
  const child = spawn(process.execPath, [WORKER, String(PER_WORKER)], {
    env: { ...process.env, TESTBED_DATA_URL: url },
  })
  let stdout = ''
  let stderr = ''
  child.stderr.on('data', (chunk) => (stderr += chunk))
  const exited = new Promise<void>((resolve, reject) =>
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`worker exited ${code}: ${stderr}`)))),
  )
  const emails = new Promise<string[]>((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      stdout += chunk
      if (stdout.endsWith('\n')) resolve(JSON.parse(stdout) as string[])
    })
    exited.then(() => reject(new Error('worker exited without reporting')), reject)
  })
  return {
    emails,
    finish: () => {
      child.stdin.end()
      return exited
    },
  }
}

describe('sequences', () => {
  test('two worker processes committing into one UNIQUE column at the same time never collide', async () => {
    // `database` gives a real database where commits are visible to every connection: the harshest case.
    await using isolation = await createIsolation(server.url, { strategy: 'database', template })
    const db = await isolation.begin()
    const workers = [startWorker(db.url), startWorker(db.url)]
    const [a = [], b = []] = await Promise.all(workers.map((worker) => worker.emails))
    await Promise.all(workers.map((worker) => worker.finish()))
    expect(new Set([...a, ...b]).size).toBe(2 * PER_WORKER)
    const { rows } = await db.query('SELECT count(*)::int AS count FROM users')
    expect(rows[0]).toEqual({ count: 2 * PER_WORKER })
    await isolation.rollback(db)
  })

  test('two sessions in one process, in open transactions on one database, never wait on each other', async () => {
    await using isolation = await createIsolation(server.url, { strategy: 'database', template })
    const db = await isolation.begin()
    const clients = [new pg.Client(db.url), new pg.Client(db.url)]
    for (const client of clients) {
      await client.connect()
      await client.query('BEGIN')
    }
    // Equal emails in two open transactions would make the second INSERT wait for the first to end: a hang.
    const made = await Promise.all(
      clients.map((client) => factoriesFor(client, { factories: { user } }).user.createList(PER_WORKER)),
    )
    expect(new Set(made.flat().map((each) => each.email)).size).toBe(2 * PER_WORKER)
    for (const client of clients) await client.end()
    await isolation.rollback(db)
  })
})
