import pg from 'pg'
import { describe, expect, test } from 'vitest'
import { redactUrl } from '../../src/core/redact.ts'
import type { PoolLike } from '../../src/isolation/isolated-database.ts'
import { transactionStrategy } from '../../src/isolation/transaction/transaction-strategy.ts'
import { withClient } from '../test-utils/clients.ts'
import { freshDatabase, serverUrl, transactionTest } from '../test-utils/transaction-test.ts'

const it = transactionTest

async function names(queryable: Pick<PoolLike, 'query'>): Promise<string[]> {
  const { rows } = await queryable.query<{ name: string }>('SELECT name FROM items ORDER BY id')
  return rows.map((row) => row.name)
}

/** What a connection of its own sees: only committed rows. */
function committedNames(url: string): Promise<string[]> {
  return withClient(url, (client) => names(client))
}

describe.concurrent('isolation transaction', () => {
  it('rolls back rows inserted by the previous test', async ({ strategy }) => {
    const first = await strategy.begin()
    await first.query("INSERT INTO items (name) VALUES ('from the first test')")
    await first.query('CREATE TABLE scratch (id int)')
    expect(await names(first)).toEqual(['from the first test'])
    await strategy.rollback(first)

    const second = await strategy.begin()
    expect(await names(second)).toEqual([])
    await expect(second.query('SELECT * FROM scratch')).rejects.toThrow('relation "scratch" does not exist')
    await strategy.rollback(second)
  })

  it('hands out the database URL and name, with the transaction strategy', async ({ url, strategy }) => {
    const db = await strategy.begin()
    expect(db).toMatchObject({ strategy: 'transaction', url, name: new URL(url).pathname.slice(1) })
    expect(strategy.name).toBe('transaction')
    await strategy.rollback(db)
  })

  it("turns the app's BEGIN / COMMIT into a savepoint: committed rows are visible in the test, gone after it", async ({
    url,
    strategy,
  }) => {
    const db = await strategy.begin()
    const client = await db.pool.connect()
    expect((await client.query('BEGIN')).command).toBe('BEGIN')
    await client.query('INSERT INTO items (name) VALUES ($1)', ['committed by the app'])
    expect((await client.query('COMMIT')).command).toBe('COMMIT')
    client.release()

    expect(await names(db)).toEqual(['committed by the app'])
    expect(await committedNames(url)).toEqual([])
    await strategy.rollback(db)
    expect(await committedNames(url)).toEqual([])
    const next = await strategy.begin()
    expect(await names(next)).toEqual([])
    await strategy.rollback(next)
  })

  it("the app's ROLLBACK undoes only the app's transaction", async ({ db }) => {
    await db.query("INSERT INTO items (name) VALUES ('before the app transaction')")
    const client = await db.pool.connect()
    await client.query('BEGIN')
    await client.query("INSERT INTO items (name) VALUES ('inside the app transaction')")
    expect((await client.query('ROLLBACK')).command).toBe('ROLLBACK')
    client.release()
    expect(await names(db)).toEqual(['before the app transaction'])
  })

  it('reads transaction statements in any case, with modes, comments and semicolons', async ({ db }) => {
    const client = await db.pool.connect()
    const spellings = [
      ['start transaction isolation level serializable, read only', '  ; commit work ;  '],
      ['/* begin */ Begin Transaction Isolation Level Repeatable Read;', '-- done\nEND'],
      ['BEGIN', 'abort'],
    ] as const
    for (const [begin, end] of spellings) {
      await client.query(begin)
      await client.query('SET TRANSACTION ISOLATION LEVEL READ COMMITTED')
      await client.query('INSERT INTO items (name) VALUES ($1)', [begin])
      await client.query(end)
    }
    client.release()
    expect(await names(db)).toEqual(spellings.slice(0, 2).map(([begin]) => begin))
  })

  it("supports the app's own savepoints inside its transaction, as ORMs nest transactions", async ({ db }) => {
    const client = await db.pool.connect()
    await client.query('BEGIN')
    await client.query("INSERT INTO items (name) VALUES ('outer')")
    await client.query('SAVEPOINT sp1')
    await client.query("INSERT INTO items (name) VALUES ('inner, rolled back')")
    await client.query('ROLLBACK TO SAVEPOINT sp1')
    await client.query('SAVEPOINT sp2')
    await client.query("INSERT INTO items (name) VALUES ('inner, released')")
    await client.query('RELEASE SAVEPOINT sp2')
    await client.query('COMMIT')
    client.release()
    expect(await names(db)).toEqual(['outer', 'inner, released'])
  })

  it('nests BEGIN the way PostgreSQL does: an inner BEGIN is ignored and the first COMMIT ends the transaction', async ({
    db,
  }) => {
    const script = [
      "INSERT INTO items (name) VALUES ('a')",
      'BEGIN',
      "INSERT INTO items (name) VALUES ('b')",
      'BEGIN',
      "INSERT INTO items (name) VALUES ('c')",
      'COMMIT',
      "INSERT INTO items (name) VALUES ('d')",
      'ROLLBACK',
      'COMMIT',
    ]
    const plainUrl = await freshDatabase()
    const expected = await withClient(plainUrl, async (client) => {
      for (const sql of script) await client.query(sql)
      return names(client)
    })
    const client = await db.pool.connect()
    for (const sql of script) await client.query(sql)
    client.release()
    expect(await names(db)).toEqual(expected)
    expect(expected).toEqual(['a', 'b', 'c', 'd'])
  })

  it('a failing statement inside an app transaction, then its ROLLBACK, leaves the test transaction usable', async ({
    db,
  }) => {
    await db.query("INSERT INTO items (name) VALUES ('taken')")
    const client = await db.pool.connect()
    await client.query('BEGIN')
    await client.query("INSERT INTO items (name) VALUES ('lost with the app transaction')")
    await expect(client.query("INSERT INTO items (name) VALUES ('taken')")).rejects.toMatchObject({ code: '23505' })
    await expect(client.query('SELECT 1')).rejects.toMatchObject({ code: '25P02' })
    await client.query('ROLLBACK')
    client.release()

    await db.query("INSERT INTO items (name) VALUES ('after the failure')")
    expect(await names(db)).toEqual(['taken', 'after the failure'])
  })

  it('COMMIT of an aborted app transaction rolls it back and reports ROLLBACK, like PostgreSQL', async ({ db }) => {
    const client = await db.pool.connect()
    await client.query('BEGIN')
    await client.query("INSERT INTO items (name) VALUES ('lost')")
    await expect(client.query('SELECT 1 / 0')).rejects.toMatchObject({ code: '22012' })
    expect((await client.query('COMMIT')).command).toBe('ROLLBACK')
    client.release()
    expect(await names(db)).toEqual([])
  })

  it("checks deferred constraints at the app's COMMIT, as PostgreSQL does, and keeps them deferred after", async ({
    db,
  }) => {
    await db.query(`CREATE TABLE parents (id int PRIMARY KEY);
      CREATE TABLE children (parent_id int REFERENCES parents DEFERRABLE INITIALLY DEFERRED)`)
    const client = await db.pool.connect()
    await client.query('BEGIN')
    await client.query('INSERT INTO children VALUES (1)')
    await expect(client.query('COMMIT')).rejects.toMatchObject({ code: '23503' })
    await client.query('ROLLBACK')
    for (const id of [2, 3]) {
      await client.query('BEGIN')
      await client.query('INSERT INTO children VALUES ($1)', [id])
      await client.query('INSERT INTO parents VALUES ($1)', [id])
      expect((await client.query('COMMIT')).command).toBe('COMMIT')
    }
    client.release()
    expect((await db.query('SELECT parent_id FROM children ORDER BY 1')).rows).toEqual([
      { parent_id: 2 },
      { parent_id: 3 },
    ])
  })

  it('runs a multi-statement text with its own BEGIN and COMMIT, answering one result per statement', async ({
    db,
  }) => {
    const results = (await db.query(
      "BEGIN; INSERT INTO items (name) VALUES ('x;y'); COMMIT; SELECT count(*)::int AS n FROM items",
    )) as unknown as pg.QueryResult[]
    expect(results.map((result) => result.command)).toEqual(['BEGIN', 'INSERT', 'COMMIT', 'SELECT'])
    expect(results[3]?.rows).toEqual([{ n: 1 }])
  })

  it('a multi-statement text that fails after its BEGIN leaves the app transaction open and aborted, like PostgreSQL', async ({
    db,
  }) => {
    const client = await db.pool.connect()
    await expect(
      client.query("BEGIN; INSERT INTO items (name) VALUES ('lost'); SELECT 1 / 0; COMMIT"),
    ).rejects.toMatchObject({ code: '22012' })
    await expect(client.query('SELECT 1')).rejects.toMatchObject({ code: '25P02' })
    await client.query('ROLLBACK')
    client.release()
    expect(await names(db)).toEqual([])
  })

  it('two clients checked out at once share the test transaction', async ({ db }) => {
    const [a, b] = await Promise.all([db.pool.connect(), db.pool.connect()])
    expect(db.pool.totalCount).toBe(2)
    await Promise.all([
      a.query("INSERT INTO items (name) VALUES ('from a')"),
      b.query("INSERT INTO items (name) VALUES ('from b')"),
      a.query('SELECT count(*) FROM items'),
      b.query('SELECT count(*) FROM items'),
    ])
    expect((await names(a)).sort()).toEqual(['from a', 'from b'])
    expect((await names(b)).sort()).toEqual(['from a', 'from b'])
    a.release()
    b.release()
    expect(db.pool.totalCount).toBe(0)
  })

  it("a second client's BEGIN waits until the first client's transaction ends", async ({ db }) => {
    const [a, b] = await Promise.all([db.pool.connect(), db.pool.connect()])
    const order: string[] = []
    await a.query('BEGIN')
    const second = (async () => {
      await b.query('BEGIN')
      order.push('b began')
      await b.query("INSERT INTO items (name) VALUES ('b')")
      await b.query('ROLLBACK')
      order.push('b rolled back')
    })()
    await a.query("INSERT INTO items (name) VALUES ('a')")
    order.push('a inserted')
    await a.query('COMMIT')
    order.push('a committed')
    await second
    a.release()
    b.release()
    expect(order).toEqual(['a inserted', 'a committed', 'b began', 'b rolled back'])
    expect(await names(db)).toEqual(['a'])
  })

  it('pool.query runs while another client holds an app transaction, inside that transaction', async ({ db }) => {
    const holder = await db.pool.connect()
    await holder.query('BEGIN')
    await holder.query("INSERT INTO items (name) VALUES ('held')")
    await db.pool.query("INSERT INTO items (name) VALUES ('from pool.query')")
    expect(await names(db.pool)).toEqual(['held', 'from pool.query'])
    await holder.query('COMMIT')
    holder.release()
    expect(await names(db)).toEqual(['held', 'from pool.query'])
  })

  it("other clients' statements wait while the holder's transaction is aborted, and run after its ROLLBACK", async ({
    db,
  }) => {
    const holder = await db.pool.connect()
    await holder.query('BEGIN')
    const failing = holder.query('SELECT 1 / 0').catch((error: { code: string }) => error.code)
    const other = db.pool.query("INSERT INTO items (name) VALUES ('after the rollback')")
    expect(await failing).toBe('22012')
    await holder.query('ROLLBACK')
    await other
    holder.release()
    expect(await names(db)).toEqual(['after the rollback'])
  })

  it('releasing a client with its transaction open rolls that transaction back', async ({ db }) => {
    const forgetful = await db.pool.connect()
    await forgetful.query('BEGIN')
    await forgetful.query("INSERT INTO items (name) VALUES ('never committed')")
    forgetful.release()
    const next = await db.pool.connect()
    await next.query('BEGIN')
    await next.query("INSERT INTO items (name) VALUES ('next')")
    await next.query('COMMIT')
    next.release()
    expect(await names(db)).toEqual(['next'])
  })

  it('releasing a client before its BEGIN has run still rolls that transaction back', async ({ db }) => {
    const hasty = await db.pool.connect()
    const begun = hasty.query('BEGIN')
    const inserted = hasty.query("INSERT INTO items (name) VALUES ('never committed')")
    hasty.release()
    await Promise.all([begun, inserted])
    const next = await db.pool.connect()
    await next.query('BEGIN')
    await next.query('COMMIT')
    next.release()
    expect(await names(db)).toEqual([])
  })

  it('supports the callback forms of query, connect and end', async ({ db }) => {
    const pool = db.pool
    const viaCallback = <T>(start: (done: (error: Error | null | undefined, value?: T) => void) => void) =>
      new Promise<T | undefined>((resolve, reject) => start((error, value) => (error ? reject(error) : resolve(value))))

    await viaCallback<pg.QueryResult>((done) => pool.query("INSERT INTO items (name) VALUES ('text + callback')", done))
    await viaCallback<pg.QueryResult>((done) =>
      pool.query('INSERT INTO items (name) VALUES ($1)', ['text + values + callback'], done),
    )
    const rows = await viaCallback<pg.QueryResult>((done) =>
      pool.connect((error, client, release) => {
        if (error || client === undefined) return done(error)
        client.query({ text: 'SELECT name FROM items ORDER BY id', rowMode: 'array' }, (queryError, result) => {
          release()
          done(queryError, result)
        })
      }),
    )
    expect(rows?.rows).toEqual([['text + callback'], ['text + values + callback']])
    const failure = await viaCallback((done) => pool.query('SELECT * FROM missing', done)).catch((error) => error)
    expect(failure).toMatchObject({ code: '42P01' })
    await viaCallback((done) => pool.end(() => done(null)))
    expect(pool).toMatchObject({ ending: true, ended: true })
  })

  it('passes config objects through: values, rowMode, prepared statement names and type parsers', async ({ db }) => {
    await db.query({ text: 'INSERT INTO items (name) VALUES ($1)', values: ['config'] })
    const named = { name: 'count-items', text: 'SELECT count(*) AS n FROM items WHERE name <> $1' }
    expect((await db.query(named, ['other'])).rows).toEqual([{ n: '1' }])
    expect((await db.query(named, ['config'])).rows).toEqual([{ n: '0' }])
    const asArrays = await db.query({ text: 'SELECT id, name FROM items', rowMode: 'array' })
    expect(asArrays.rows).toEqual([[1, 'config']])
    const custom = await db.query({
      text: 'SELECT 41 AS answer',
      types: { getTypeParser: () => (value: string) => Number(value) + 1 },
    })
    expect(custom.rows).toEqual([{ answer: 42 }])
  })

  it('hands pg query objects (pg.Query, as pg-cursor and pg-query-stream are) to the connection', async ({ db }) => {
    await db.query("INSERT INTO items (name) VALUES ('streamed')")
    const client = await db.pool.connect()
    const query = client.query(new pg.Query('SELECT name FROM items'))
    const rows: unknown[] = []
    query.on('row', (row) => rows.push(row))
    await new Promise((resolve, reject) => query.on('end', resolve).on('error', reject))
    expect(rows).toEqual([{ name: 'streamed' }])
    expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }])
    client.release()
  })

  it("emits pg.Pool's events and counts clients", async ({ db }) => {
    const events: string[] = []
    for (const event of ['connect', 'acquire', 'release', 'remove'])
      db.pool.on(event as 'connect', () => events.push(event))
    const client = await db.pool.connect()
    expect([db.pool.totalCount, db.pool.idleCount, db.pool.waitingCount]).toEqual([1, 0, 0])
    client.release()
    await db.pool.query('SELECT 1')
    expect(events).toEqual(['connect', 'acquire', 'release', 'remove', 'connect', 'acquire', 'release', 'remove'])
    expect(db.pool.totalCount).toBe(0)
  })

  // With no listener for the pool's client events, pool.query runs without a client object.
  it('counts a running pool.query as a client, and pool.end() waits for it', async ({ db }) => {
    const order: string[] = []
    const running = db.pool.query('SELECT pg_sleep(0.05)').then(() => order.push('query'))
    expect(db.pool.totalCount).toBe(1)
    const ending = db.pool.end().then(() => order.push('end'))
    await Promise.all([running, ending])
    expect(order).toEqual(['query', 'end'])
    expect(db.pool.totalCount).toBe(0)
  })

  it('ends an app transaction a pool.query call opened when the call ends, as releasing its client does', async ({
    db,
  }) => {
    await db.pool.query("BEGIN; INSERT INTO items (name) VALUES ('never committed')")
    const client = await db.pool.connect()
    await client.query('BEGIN')
    await client.query('COMMIT')
    client.release()
    expect(await names(db)).toEqual([])
  })

  it('begin() hands the pool out while BEGIN is on its way; the first statement runs inside the transaction', async ({
    strategy,
  }) => {
    const db = await strategy.begin()
    // now() is the time the transaction began: the same in two statements only when one transaction holds both.
    const started = () => db.query<{ t: Date }>('SELECT now() AS t').then(({ rows }) => rows[0]?.t.toISOString())
    const first = await started()
    await db.query("INSERT INTO items (name) VALUES ('rolled back')")
    const second = await started()
    await strategy.rollback(db)
    const next = await strategy.begin()
    expect({ sameTransaction: first === second, names: await names(next) }).toEqual({
      sameTransaction: true,
      names: [],
    })
    await strategy.rollback(next)
  })

  it('is a real pg.Pool that never opens a connection of its own, whose options name the test database', async ({
    url,
    db,
  }) => {
    expect(db.pool).toBeInstanceOf(pg.Pool)
    expect(db.pool.options).toMatchObject({ database: db.name, port: Number(new URL(url).port) })
    const clients = await Promise.all(Array.from({ length: 12 }, () => db.pool.connect()))
    await Promise.all(clients.map((client) => client.query('SELECT 1')))
    expect(db.pool.totalCount).toBe(12)
    const connections = await withClient(serverUrl(), async (admin) => {
      const { rows } = await admin.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [
        db.name,
      ])
      return rows[0].n
    })
    expect(connections).toBe(1)
    for (const client of clients) client.release()
    expect([db.pool.totalCount, db.pool.idleCount, db.pool.waitingCount, db.pool.expiredCount]).toEqual([0, 0, 0, 0])
  })

  it('pool.end() leaves the real connection open: the next test begins on it', async ({ strategy }) => {
    const db = await strategy.begin()
    await db.pool.end()
    await strategy.rollback(db)
    const next = await strategy.begin()
    expect((await next.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }])
    await strategy.rollback(next)
  })

  it('rollback() also ends a test that left its transaction aborted or its app transaction open', async ({
    strategy,
  }) => {
    const aborted = await strategy.begin()
    await aborted.query("INSERT INTO items (name) VALUES ('x')")
    await expect(aborted.query('SELECT 1 / 0')).rejects.toMatchObject({ code: '22012' })
    await strategy.rollback(aborted)

    const forgotten = await strategy.begin()
    const client = await forgotten.pool.connect()
    await client.query('BEGIN')
    await client.query("INSERT INTO items (name) VALUES ('y')")
    await strategy.rollback(forgotten)

    const next = await strategy.begin()
    expect(await names(next)).toEqual([])
    await strategy.rollback(next)
  })

  it('rollback() releases session advisory locks the test took', async ({ url, strategy }) => {
    const db = await strategy.begin()
    await db.query('SELECT pg_advisory_lock(42)')
    await strategy.rollback(db)
    const heldElsewhere = await withClient(url, async (client) => {
      const { rows } = await client.query<{ got: boolean }>('SELECT pg_try_advisory_lock(42) AS got')
      return rows[0]?.got
    })
    expect(heldElsewhere).toBe(true)
  })

  it('after a test whose connection was cut, the next test begins on a new one', async ({ strategy }) => {
    const db = await strategy.begin()
    const { rows } = await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')
    await withClient(serverUrl(), (admin) => admin.query('SELECT pg_terminate_backend($1)', [rows[0]?.pid]))
    await expect(db.query('SELECT 1')).rejects.toThrow()
    await strategy.rollback(db).catch(() => {})
    const next = await strategy.begin()
    const after = await next.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')
    expect(after.rows[0]?.pid).not.toBe(rows[0]?.pid)
    await strategy.rollback(next)
  })

  it('close() ends the connection, and is what Symbol.asyncDispose does', async ({ url }) => {
    const activity = () =>
      withClient(serverUrl(), async (client) => {
        const { rows } = await client.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1',
          [new URL(url).pathname.slice(1)],
        )
        return rows[0]?.n
      })
    {
      await using strategy = transactionStrategy(url)
      const db = await strategy.begin()
      await db.query('SELECT 1')
      expect(await activity()).toBe(1)
    }
    expect(await activity()).toBe(0)
  })
})

describe.concurrent('isolation transaction errors', () => {
  it('refuses a statement PostgreSQL cannot run in a transaction block, and the test goes on', async ({ db }) => {
    const error = await db.query('VACUUM items').catch((caught) => caught)
    expect(error).toMatchObject({ name: 'TestbedError', code: 'TESTBED_ISOLATION_NOT_IN_TRANSACTION' })
    expect(error.message).toBe(
      "[testbed] Cannot run VACUUM under isolation 'transaction': `VACUUM items`.\n" +
        "PostgreSQL cannot run VACUUM inside a transaction block, and every statement of this test runs inside the test's transaction. " +
        "Use isolation 'database' for this test." +
        '\nRead more: node_modules/testbed/docs/errors.md#testbed_isolation_not_in_transaction',
    )
    await expect(db.query('CREATE INDEX CONCURRENTLY items_name ON items (name)')).rejects.toThrow(
      "[testbed] Cannot run CREATE INDEX CONCURRENTLY under isolation 'transaction'",
    )
    expect((await db.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }])
  })

  it('explains statements PostgreSQL itself refuses inside a transaction block', async ({ db }) => {
    const error = await db
      .query("CREATE SUBSCRIPTION s CONNECTION 'dbname=none' PUBLICATION p")
      .catch((caught) => caught)
    expect(error.code).toBe('TESTBED_ISOLATION_NOT_IN_TRANSACTION')
    expect(error.cause).toMatchObject({ code: '25001' })
    expect(error.message).toBe(
      "[testbed] Cannot run CREATE SUBSCRIPTION ... WITH (create_slot = true) under isolation 'transaction': " +
        "`CREATE SUBSCRIPTION s CONNECTION 'dbname=none' PUBLICATION p`.\n" +
        'PostgreSQL cannot run CREATE SUBSCRIPTION ... WITH (create_slot = true) inside a transaction block, ' +
        "and every statement of this test runs inside the test's transaction. Use isolation 'database' for this test.\n" +
        '  • PostgreSQL: CREATE SUBSCRIPTION ... WITH (create_slot = true) cannot run inside a transaction block' +
        '\nRead more: node_modules/testbed/docs/errors.md#testbed_isolation_not_in_transaction',
    )
  })

  it('names the earlier failure when a statement outside app transactions aborted the test transaction', async ({
    db,
  }) => {
    await db.query("INSERT INTO items (name) VALUES ('taken')")
    await expect(db.query("INSERT INTO items (name) VALUES ('taken')")).rejects.toMatchObject({ code: '23505' })
    const error = await db.query('SELECT name FROM items').catch((caught) => caught)
    expect(error).toMatchObject({ code: 'TESTBED_ISOLATION_TRANSACTION_ABORTED', cause: { code: '25P02' } })
    expect(error.message).toBe(
      "[testbed] Statement refused after an earlier one failed under isolation 'transaction': `SELECT name FROM items`.\n" +
        "A statement that fails outside an app transaction aborts the test's transaction, and PostgreSQL then refuses every statement until the test ends. " +
        "Run the statement that may fail inside an app transaction (BEGIN … ROLLBACK, or the ORM's transaction()), or use isolation 'database' for this test.\n" +
        '  • failed earlier: `INSERT INTO items (name) VALUES (\'taken\')`: duplicate key value violates unique constraint "items_name_key"' +
        '\nRead more: node_modules/testbed/docs/errors.md#testbed_isolation_transaction_aborted',
    )
  })

  it("fails a BEGIN that waits longer than transactionWaitTimeout for another client's transaction", async ({
    url,
  }) => {
    await using strategy = transactionStrategy(url, { transactionWaitTimeout: 50 })
    const db = await strategy.begin()
    const [a, b] = await Promise.all([db.pool.connect(), db.pool.connect()])
    await a.query('BEGIN')
    const error = await b.query('BEGIN').catch((caught) => caught)
    expect(error.code).toBe('TESTBED_ISOLATION_TRANSACTION_WAIT')
    expect(error.message.replace(/\d+ ms$/m, 'N ms')).toBe(
      "[testbed] Gave up waiting for another client's transaction under isolation 'transaction': `BEGIN`.\n" +
        "All clients of the test's pool share one connection, so a second app transaction (or any statement while the open one is aborted) waits until the open transaction ends; " +
        'it did not end, likely because the app waits for this statement before ending it. ' +
        "End the open transaction before starting another one, raise `transactionWaitTimeout`, or use isolation 'database' for this test.\n" +
        '  • waited: N ms' +
        '\nRead more: node_modules/testbed/docs/errors.md#testbed_isolation_transaction_wait',
    )
    await a.query('COMMIT')
    a.release()
    b.release()
  })

  it('refuses queries on the pool after the test ended', async ({ strategy }) => {
    const db = await strategy.begin()
    const client = await db.pool.connect()
    await strategy.rollback(db)
    const error = await client.query('SELECT 1').catch((caught) => caught)
    expect(error.code).toBe('TESTBED_ISOLATION_TEST_ENDED')
    expect(error.message).toBe(
      "[testbed] Query on a test's pool after the test ended: `SELECT 1`.\n" +
        "The test's transaction is already rolled back, so this comes from app work that outlived the test: a timer, an un-awaited promise, a background job. " +
        'Await that work inside the test, or stop it in afterEach.' +
        '\nRead more: node_modules/testbed/docs/errors.md#testbed_isolation_test_ended',
    )
    await expect(db.pool.connect()).rejects.toThrow(
      "[testbed] Query on a test's pool after the test ended: `pool.connect()`.",
    )
  })

  it('refuses a released client, like pg', async ({ db }) => {
    const client = await db.pool.connect()
    client.release()
    const error = await client.query('SELECT 1').catch((caught) => caught)
    expect(error).toMatchObject({ code: 'TESTBED_ISOLATION_CLIENT_RELEASED' })
    expect(error.message).toBe(
      '[testbed] Query on a pool client after its release(): `SELECT 1`.\n' +
        'A released client goes back to the pool, where another caller may already hold its connection. ' +
        'Take a new client with `pool.connect()`, and call `release()` only when done with it.' +
        '\nRead more: node_modules/testbed/docs/errors.md#testbed_isolation_client_released',
    )
    expect(() => client.release()).toThrow(
      '[testbed] release() called twice on a pool client.\n' +
        'The client was already released to the pool (pg throws here too). Call `release()` once for each `pool.connect()`.',
    )
  })

  it('refuses the pool after pool.end(), like pg', async ({ db }) => {
    await db.pool.end()
    const error = await db.pool.query('SELECT 1').catch((caught) => caught)
    expect(error).toMatchObject({ code: 'TESTBED_ISOLATION_POOL_ENDED' })
    expect(error.message).toBe(
      "[testbed] pool.query() on the test's pool after pool.end().\n" +
        'The app ended the pool earlier in this test (pg refuses this too). ' +
        'Keep the pool open while the test runs; testbed closes the real connection itself after the test.' +
        '\nRead more: node_modules/testbed/docs/errors.md#testbed_isolation_pool_ended',
    )
    await expect(db.pool.end()).rejects.toThrow("[testbed] pool.end() on the test's pool after pool.end().")
  })

  it('refuses a second begin() before the rollback() of the first', async ({ strategy }) => {
    const db = await strategy.begin()
    const error = await strategy.begin().catch((caught) => caught)
    expect(error.code).toBe('TESTBED_ISOLATION_MISUSED')
    expect(error.message).toBe(
      "[testbed] begin() called out of order under isolation 'transaction'.\n" +
        "The previous test's transaction is still open, and the strategy runs one test at a time on its one connection. " +
        'Await rollback() after each test before the next begin().' +
        '\nRead more: node_modules/testbed/docs/errors.md#testbed_isolation_misused',
    )
    await strategy.rollback(db)
    await strategy.close()
    await expect(strategy.begin()).rejects.toThrow(
      "[testbed] begin() called out of order under isolation 'transaction'.\nThe strategy was closed. Create a new one with transactionStrategy().",
    )
  })

  test('explains a database it cannot connect to', async () => {
    const url = serverUrl('no_such_database')
    const strategy = transactionStrategy(url)
    const error = await strategy.begin().catch((caught) => caught)
    expect(error.code).toBe('TESTBED_ISOLATION_CONNECT_FAILED')
    expect(error.message).toBe(
      `[testbed] Cannot connect to the test database for isolation 'transaction': ${redactUrl(url)}.\n` +
        'The connection failed: database "no_such_database" does not exist. ' +
        'Check that the database exists and its server runs (`testbed services status`).' +
        '\nRead more: node_modules/testbed/docs/errors.md#testbed_isolation_connect_failed',
    )
    await strategy.close()
  })

  test('validates its options when given', () => {
    expect(() => transactionStrategy('postgresql://localhost/x', { transactionWaitTimeout: -1 })).toThrow(
      '[testbed] Invalid option in transactionStrategy(): `transactionWaitTimeout`.',
    )
  })
})
