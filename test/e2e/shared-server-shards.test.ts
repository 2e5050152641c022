import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test, vi } from 'vitest'
import { rows } from '../test-utils/clone-server.ts'
import { postgresForFile } from '../test-utils/file-postgres.ts'
import type { BackgroundProcess, CliResult } from '../test-utils/run-cli.ts'
import { tempDir } from '../test-utils/temp-dir.ts'
import { RESULTS, type VitestProject, vitestProject } from '../test-utils/vitest-project.ts'

// Three shards on three "machines" (projects of their own), two workers each, all against one
// PostgreSQL they did not start — as a fleet of CI runners given TESTBED_POSTGRES_URL. Every test
// of every strategy writes rows and must see only its own; shard 3 is SIGKILLed while it holds
// test databases, and the two that live on must leave the server as they found it, but for the
// template they shared.

const SHARDS = 3
const FILES = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot']
const STRATEGIES = ['transaction', 'reset', 'database']

const server = postgresForFile()

test('shards sharing one server share one template, never see each other’s rows, and leave nothing behind — a killed shard included', async () => {
  const signals = tempDir('testbed-shards-')
  const killedReady = join(signals, 'killed-ready')
  const release = join(signals, 'release')
  mkdirSync(killedReady)
  const env = (shard: number) => ({
    TESTBED_POSTGRES_URL: server.url,
    SHARD: String(shard),
    ...(shard === SHARDS ? { KILL_ME: killedReady } : { RELEASE: release }),
  })
  const shards = Array.from({ length: SHARDS }, (_, i) => shardRun(i + 1, env(i + 1)))
  const killed = shards[SHARDS - 1] as ShardRun

  // Both workers of shard 3 are inside a test that holds a database clone.
  const holding = vi.waitFor(() => expect(readdirSync(killedReady)).toHaveLength(2), {
    timeout: 120_000,
    interval: 100,
  })
  await Promise.race([holding, killed.run.exited.then((result) => Promise.reject(endedEarly(result)))])
  expect(await testDatabases()).not.toEqual([])
  killed.run.child.kill('SIGKILL')
  await killed.run.exited
  await vi.waitFor(() => expect(workerPids(killedReady).filter(isAlive)).toEqual([]), { timeout: 30_000 })
  writeFileSync(release, '')

  const [first, second] = await Promise.all(shards.slice(0, 2).map((shard) => shard.run.exited))
  for (const [index, result] of [first, second].entries()) expectShardPassed(shards[index] as ShardRun, result)

  expect(await testDatabases()).toEqual([])
  expect(await templates()).toHaveLength(1)
  // One template for all: built once, by whichever shard came first (shard 3's summary died with it).
  const summaries = [first, second].map((result) => result?.stdout.match(/templates ready in .* \((\d) built\)/)?.[1])
  expect(summaries.filter((built) => built === '1').length).toBeLessThanOrEqual(1)
  expect(summaries.filter((built) => built === '0').length).toBeGreaterThanOrEqual(1)
  expect(await otherSessions()).toEqual([])
}, 300_000)

interface ShardRun {
  project: VitestProject
  run: BackgroundProcess
}

function shardRun(shard: number, env: NodeJS.ProcessEnv): ShardRun {
  const project = vitestProject(`shared-server-shard-${shard}`, projectFiles())
  const args = ['test', '--integration', `--shard=${shard}/${SHARDS}`, '--maxWorkers=2', ...RESULTS]
  return { project, run: project.spawnTestbed(args, env) }
}

function expectShardPassed(shard: ShardRun, result: CliResult | undefined): void {
  expect(result?.code, `${result?.stdout}\n${result?.stderr}`).toBe(0)
  const statuses = Object.values(shard.project.results())
  // Two files per shard, each a test per strategy and round plus the one that holds the shard.
  expect(statuses).toEqual(Array(2 * (STRATEGIES.length * 3 + 1)).fill('passed'))
}

function endedEarly(result: CliResult): Error {
  return new Error(`shard ${SHARDS} ended before holding its databases:\n${result.stdout}\n${result.stderr}`)
}

function projectFiles(): Record<string, string> {
  const tests = Object.fromEntries(FILES.map((file) => [`tests/integration/${file}.test.ts`, testFile(file)]))
  return {
    ...tests,
    'tests/hold-shard.ts': HOLD_SHARD,
    'vitest.config.ts':
      "import { testbed } from 'testbed/vitest/config'\nimport { defineConfig } from 'vitest/config'\nexport default defineConfig({ plugins: [testbed()] })\n",
    'migrations/001_marks.sql':
      'CREATE TABLE marks (id serial PRIMARY KEY, shard text NOT NULL, test text NOT NULL);\n',
    'testbed.config.ts': [
      "import { defineConfig, postgres } from 'testbed'",
      "export default defineConfig({ services: { db: postgres({ migrations: 'migrations' }) }, isolation: 'database', timeout: '240s' })",
      '',
    ].join('\n'),
  }
}

function testFile(file: string): string {
  return `import { describe, expect, test } from 'testbed/vitest'
import { holdShard } from '../hold-shard.ts'

for (const isolation of ${JSON.stringify(STRATEGIES)}) {
  describe(\`${file} \${isolation}\`, () => {
    test.override({ isolation })
    for (const round of [1, 2, 3]) {
      test(\`round \${round} sees only its own rows\`, async ({ db }) => {
        const me = \`shard \${process.env.SHARD} ${file} \${isolation} \${round}\`
        for (let row = 0; row < 5; row++) {
          await db.query('INSERT INTO marks (shard, test) VALUES ($1, $2)', [process.env.SHARD, me])
          // Gives the other shards' tests time to write at the same moment.
          await new Promise((resolve) => setTimeout(resolve, 10))
        }
        const { rows } = await db.query('SELECT test, count(*)::int AS n FROM marks GROUP BY test')
        expect(rows).toEqual([{ test: me, n: 5 }])
      })
    }
  })
}

test('${file} holds its database until the shard is let go', async ({ db }) => {
  await db.query("INSERT INTO marks (shard, test) VALUES ($1, 'hold')", [process.env.SHARD])
  await holdShard('${file}')
})
`
}

const HOLD_SHARD = `import { existsSync, writeFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'

/** The shard to be killed waits there for its end; the others wait until the harness lets them go. */
export async function holdShard(file: string): Promise<void> {
  if (process.env.KILL_ME) {
    writeFileSync(\`\${process.env.KILL_ME}/\${file}\`, String(process.pid))
    await new Promise(() => {})
  }
  while (!existsSync(process.env.RELEASE ?? '')) await sleep(50)
}
`

function workerPids(dir: string): number[] {
  return readdirSync(dir).map((file) => Number(readFileSync(join(dir, file), 'utf8')))
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

async function testDatabases(): Promise<string[]> {
  const found = await rows<{ name: string }>(
    server.url,
    "SELECT datname AS name FROM pg_database WHERE starts_with(datname, 'testbed_db_') ORDER BY 1",
  )
  return found.map((row) => row.name)
}

async function templates(): Promise<string[]> {
  const found = await rows<{ name: string }>(
    server.url,
    "SELECT datname AS name FROM pg_database WHERE starts_with(datname, 'testbed_tpl_')",
  )
  return found.map((row) => row.name)
}

/** Sessions still open on the server, other than the one asking. */
async function otherSessions(): Promise<string[]> {
  const found = await rows<{ who: string }>(
    server.url,
    `SELECT coalesce(datname, '') || ' ' || application_name AS who FROM pg_stat_activity
      WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()`,
  )
  return found.map((row) => row.who)
}
