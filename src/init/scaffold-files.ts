import type { DatabaseFacts, ProjectFacts } from './project-facts.ts'

// Libraries that take testbed's `db.pool` run inside the test's transaction; the others open their
// own connections from a URL, so each test gets a database of its own instead.
const POOL_LIBRARIES = ['pg', 'Drizzle', 'Kysely', 'Prisma', 'Knex']

/** The isolation strategy `testbed init` picks for the project's database library. */
export function isolationFor(database: DatabaseFacts | null): 'transaction' | 'database' {
  return database === null || POOL_LIBRARIES.includes(database.library) ? 'transaction' : 'database'
}

/** testbed.config: the project's PostgreSQL (with its migrations) and Redis, an isolation strategy, the guide's budget. */
export function testbedConfigText(facts: ProjectFacts): string {
  const database = facts.database?.postgres ? facts.database : null
  const services = [
    ...(database
      ? [`    db: postgres(${database.migrations ? `{ migrations: '${database.migrations.folder}' }` : ''}),`]
      : []),
    ...(facts.redis ? ['    cache: redis(),'] : []),
  ]
  const imports = ['defineConfig', ...(database ? ['postgres'] : []), ...(facts.redis ? ['redis'] : [])]
  const isolation = isolationFor(database)
  const why =
    isolation === 'database'
      ? `  // ${database?.library} opens its own connections, so each test gets a database of its own.\n`
      : ''
  return `import { ${imports.join(', ')} } from 'testbed'

// Written by \`testbed init\`: the services the integration tests need, and how each test gets clean state.
export default defineConfig({
  services: {
${services.join('\n')}
  },
${why}  isolation: '${isolation}',
  budget: { integration: '5m' },
})
`
}

export function unitTestText(): string {
  return `import { expect, test } from 'vitest'

// Written by \`testbed init\`: unit tests live in tests/unit, start no service, and run with \`testbed test\`.
test('adds up', () => {
  expect(1 + 1).toBe(2)
})
`
}

/** An integration test that passes against the project's own schema, through its database library where that is a one-liner. */
export function integrationTestText(facts: ProjectFacts): string {
  const database = facts.database?.postgres ? facts.database : null
  const tests = [
    database ? databaseTest(database, facts.typescript) : null,
    facts.redis ? redisTest(facts.redis) : null,
  ]
  const body = tests.filter((test) => test !== null)
  if (body.length === 0) body.push(httpTest())
  const imports = [...new Set(body.flatMap((test) => test.imports))].sort((a, b) => source(a).localeCompare(source(b)))
  return `${imports.join('\n')}

// Written by \`testbed init\`: integration tests live in tests/integration and run with
// \`testbed test --integration\`, against the services of testbed.config.
${appHint(facts)}
${body.map((test) => test.code).join('\n')}`
}

/** The module an import line imports from. */
function source(importLine: string): string {
  return /from '([^']+)'/.exec(importLine)?.[1] ?? importLine
}

interface ExampleTest {
  imports: string[]
  code: string
}

const TESTBED_IMPORT = "import { expect, test } from 'testbed/vitest'"
const TABLES_SQL = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"

function databaseTest(database: DatabaseFacts, typescript: boolean): ExampleTest {
  const migrations = database.migrations
  const tables = migrations?.tables ?? []
  const title = migrations ? `the test database has the tables of ${migrations.folder}/` : 'the test database answers'
  if (tables.length === 0) {
    return {
      imports: [TESTBED_IMPORT],
      code: `test('${title}', async ({ db }) => {\n  expect((await db.query('SELECT 1 AS answer')).rows).toEqual([{ answer: 1 }])\n})\n`,
    }
  }
  const expected = `expect.arrayContaining(${JSON.stringify(tables).replaceAll('"', "'").replaceAll(',', ', ')})`
  return { imports: tableImports(database.library), code: tableTest(title, database.library, typescript, expected) }
}

function tableImports(library: string): string[] {
  if (library === 'Drizzle') {
    return [TESTBED_IMPORT, "import { sql } from 'drizzle-orm'", "import { drizzle } from 'drizzle-orm/node-postgres'"]
  }
  if (library === 'Kysely') return [TESTBED_IMPORT, "import { Kysely, PostgresDialect, sql } from 'kysely'"]
  return [TESTBED_IMPORT]
}

function tableTest(title: string, library: string, typescript: boolean, expected: string): string {
  const row = typescript ? '<{ tablename: string }>' : ''
  if (library === 'Drizzle') {
    return `test('${title}', async ({ db }) => {
  // Drizzle on the test's pool: what it writes is rolled back after the test.
  const orm = drizzle({ client: db.pool })
  const { rows } = await orm.execute(sql\`${TABLES_SQL}\`)
  expect(rows.map((row) => row.tablename)).toEqual(${expected})
})
`
  }
  if (library === 'Kysely') {
    const schema = typescript ? '<Record<string, never>>' : ''
    return `test('${title}', async ({ db }) => {
  // Kysely on the test's pool (do not destroy() it: the pool is testbed's): what it writes is rolled back after the test.
  const kysely = new Kysely${schema}({ dialect: new PostgresDialect({ pool: db.pool }) })
  const { rows } = await sql${row}\`${TABLES_SQL}\`.execute(kysely)
  expect(rows.map((row) => row.tablename)).toEqual(${expected})
})
`
  }
  return `test('${title}', async ({ db }) => {
${libraryHint(library)}  const { rows } = await db.query${row}("${TABLES_SQL}")
  expect(rows.map((row) => row.tablename)).toEqual(${expected})
})
`
}

function libraryHint(library: string): string {
  const hints: Record<string, string> = {
    Prisma:
      "  // Prisma on the test's pool: new PrismaClient({ adapter: new PrismaPg(db.pool) }) (@prisma/adapter-pg).\n",
    Knex: "  // Knex on the test's pool: knex({ client: 'pg', connectionPool: db.pool }).\n",
    TypeORM: "  // TypeORM opens its own connections: give it db.url (isolation 'database' in testbed.config).\n",
    'postgres.js':
      "  // postgres.js opens its own connections: give it db.url (isolation 'database' in testbed.config).\n",
  }
  return hints[library] ?? "  // db.pool is a pg.Pool inside the test's transaction: hand it to the code under test.\n"
}

function redisTest(client: 'ioredis' | 'redis'): ExampleTest {
  if (client === 'ioredis') {
    return {
      imports: [TESTBED_IMPORT],
      code: `test('each test gets a Redis database of its own, emptied after it', async ({ redis }) => {
  await redis.set('greeting', 'hello')
  expect(await redis.get('greeting')).toBe('hello')
})
`,
    }
  }
  return {
    imports: [TESTBED_IMPORT, "import { createClient } from 'redis'"],
    code: `test('Redis answers', async ({ services }) => {
  // The \`redis\` fixture is an ioredis client; with node-redis, connect to the service's URL.
  const client = await createClient({ url: services.cache.url }).connect()
  expect(await client.ping()).toBe('PONG')
  await client.quit()
})
`,
  }
}

function httpTest(): ExampleTest {
  return {
    imports: [TESTBED_IMPORT],
    code: `test('outbound HTTP is mocked, strictly', async ({ http }) => {
  http.get('https://api.example.com/status').reply(200, { ok: true })
  const response = await fetch('https://api.example.com/status')
  expect(await response.json()).toEqual({ ok: true })
})
`,
  }
}

function appHint(facts: ProjectFacts): string {
  const pool = facts.database?.postgres ? '{ db }' : '{}'
  const factory = facts.database?.postgres ? 'createApp({ pool: db.pool })' : 'createApp()'
  return `// To call your ${facts.framework} app in-process with the \`api\` fixture, give the tests your app:
//   import { test as base } from 'testbed/vitest'
//   const test = base.extend({ app: async (${pool}, use) => use(${factory}) })
//   test('GET /health', async ({ api }) => expect((await api.get('/health')).status).toBe(200))
`
}
