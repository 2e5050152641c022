import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, statSync } from 'node:fs'
import pg from 'pg'
import { describe, expect, test } from 'vitest'
import { isRunning } from '../../src/core/process-identity.ts'
import { postgres } from '../../src/services/postgres/postgres-service.ts'
import { redis } from '../../src/services/redis/redis-service.ts'
import { runOf, startServices } from '../../src/services/service-set.ts'
import { tempDir } from '../test-utils/temp-dir.ts'
import { processOf } from '../test-utils/test-project.ts'

// Files the server maps shared (`rw-s`): its dynamic shared memory segments, wherever they live.
function sharedFilesOf(pid: number): string[] {
  return readFileSync(`/proc/${pid}/maps`, 'utf8')
    .split('\n')
    .filter((line) => line.includes(' rw-s ') && line.includes('/') && !line.includes('/SYSV'))
    .map((line) => line.slice(line.indexOf('/')))
}

// System V segments `pid` created that are not yet marked for removal (SHM_DEST, 0o1000, in the mode).
function sysvSegmentsOf(pid: number): string[] {
  return readFileSync('/proc/sysvipc/shm', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => Number(fields[4]) === pid && (Number.parseInt(fields[2] ?? '0', 8) & 0o1000) === 0)
    .map((fields) => `shmid ${fields[1]}`)
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client(url)
  await client.connect()
  try {
    return (await client.query<T>(sql)).rows
  } finally {
    await client.end()
  }
}

describe.concurrent('postgres() started by testbed', () => {
  for (const provider of ['embedded', 'local'] as const) {
    test(`${provider}: answers queries on a loopback port with durability off`, async () => {
      await using set = await startServices({ db: postgres({ provider }) }, { projectDir: tempDir() })
      const [service] = set.services
      expect(service).toMatchObject({ name: 'db', kind: 'postgres', provider })
      const rows = await query<{ fsync: string; sync: string; fpw: string }>(
        service?.url ?? '',
        `SELECT current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS sync,
                current_setting('full_page_writes') AS fpw`,
      )
      expect(rows).toEqual([{ fsync: 'off', sync: 'off', fpw: 'off' }])
      // Sized for tests (bench/server-memory.ts); io_method exists from PostgreSQL 18 on.
      const [sized] = await query<{ buffers: string; io: string | null }>(
        service?.url ?? '',
        `SELECT current_setting('shared_buffers') AS buffers, current_setting('io_method', true) AS io`,
      )
      expect(sized).toEqual({ buffers: '16MB', io: provider === 'embedded' ? 'sync' : sized?.io })
      expect(service?.url).toMatch(/^postgresql:\/\/postgres:[\w-]{43}@127\.0\.0\.1:\d+\/postgres$/)
    })
  }

  test('embedded: the server is the npm-shipped PostgreSQL, not the machine one', async () => {
    await using set = await startServices({ db: postgres({ provider: 'embedded' }) }, { projectDir: tempDir() })
    const [row] = await query<{ version: string }>(set.services[0]?.url ?? '', 'SELECT version()')
    expect(row?.version).toMatch(/^PostgreSQL 18\./)
  })

  test('runs the server as an unprivileged account when testbed runs as root', async ({ skip }) => {
    skip(process.getuid?.() !== 0, 'only root needs another account')
    await using set = await startServices({ db: postgres() }, { projectDir: tempDir() })
    const pid = processOf(set.services[0])?.pid
    const owner = execFileSync('ps', ['-o', 'user=', '-p', String(pid)], { encoding: 'utf8' }).trim()
    expect(owner).not.toBe('root')
  })

  test('listens on a unix socket in its service dir as well', async () => {
    await using set = await startServices({ db: postgres() }, { projectDir: tempDir() })
    const port = new URL(set.services[0]?.url ?? '').port
    const socketDir = `${runOf(set).dir}/db`
    expect(existsSync(`${socketDir}/.s.PGSQL.${port}`)).toBe(true)
    const rows = await query<{ one: number }>(
      `postgresql://postgres@/postgres?host=${socketDir}&port=${port}`,
      'SELECT 1 AS one',
    )
    expect(rows).toEqual([{ one: 1 }])
  })

  test('applies user settings on top of the fast defaults', async () => {
    await using set = await startServices(
      {
        db: postgres({ settings: { max_connections: 42, application_name: 'from-settings', shared_buffers: '32MB' } }),
      },
      { projectDir: tempDir() },
    )
    const rows = await query<{ max: string; buffers: string }>(
      set.services[0]?.url ?? '',
      "SELECT current_setting('max_connections') AS max, current_setting('shared_buffers') AS buffers",
    )
    expect(rows).toEqual([{ max: '42', buffers: '32MB' }])
  })

  test('durable: true keeps PostgreSQL durability settings, which testbed otherwise turns off', async () => {
    await using fast = await startServices({ db: postgres() }, { projectDir: tempDir() })
    await using durable = await startServices({ db: postgres({ durable: true }) }, { projectDir: tempDir() })
    const durability =
      "SELECT current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS commit, current_setting('full_page_writes') AS pages"
    expect(await query(fast.services[0]?.url ?? '', durability)).toEqual([
      { fsync: 'off', commit: 'off', pages: 'off' },
    ])
    expect(await query(durable.services[0]?.url ?? '', durability)).toEqual([
      { fsync: 'on', commit: 'on', pages: 'on' },
    ])
  })

  test('stop() ends the server and deletes its data dir', async () => {
    const set = await startServices({ db: postgres() }, { projectDir: tempDir() })
    const serverProcess = processOf(set.services[0])
    const runDir = runOf(set).dir
    expect(serverProcess && isRunning(serverProcess)).toBe(true)
    await set.stop()
    expect(serverProcess && isRunning(serverProcess)).toBe(false)
    expect(existsSync(runDir)).toBe(false)
  })

  test('a server killed with SIGKILL leaves no shared memory behind once stopped', async () => {
    const set = await startServices({ db: postgres() }, { projectDir: tempDir() })
    const pid = processOf(set.services[0])?.pid ?? 0
    const shared = sharedFilesOf(pid)
    expect(shared.length).toBeGreaterThan(0)
    expect(sysvSegmentsOf(pid).length).toBeGreaterThan(0)
    process.kill(pid, 'SIGKILL')
    await set.stop()
    expect(shared.filter((file) => existsSync(file))).toEqual([])
    expect(sysvSegmentsOf(pid)).toEqual([])
  })

  test('starts two servers side by side on different ports', async () => {
    await using set = await startServices({ a: postgres(), b: postgres() }, { projectDir: tempDir() })
    const a = set.services.find((service) => service.name === 'a')
    const b = set.services.find((service) => service.name === 'b')
    expect(a?.url).not.toBe(b?.url)
    // The first declared of a kind, whichever server answered first.
    expect(set.env()).toMatchObject({ TESTBED_A_URL: a?.url, TESTBED_B_URL: b?.url, TESTBED_POSTGRES_URL: a?.url })
  })

  test('services are listed in the order the config declares them, not the order they answered in', async () => {
    // Redis answers long before PostgreSQL has run initdb or unpacked its cluster.
    await using set = await startServices({ db: postgres(), cache: redis() }, { projectDir: tempDir() })
    expect(set.services.map((service) => service.name)).toEqual(['db', 'cache'])
  })
})

describe('the initdb cache', () => {
  test('a second start copies the cached cluster instead of running initdb', async () => {
    process.env.TESTBED_CACHE_DIR = tempDir('testbed-cache-')
    try {
      const steps: string[] = []
      const progress = { step() {}, warn() {}, done: (message: string) => steps.push(message) }
      for (let i = 0; i < 2; i++) {
        await using _set = await startServices(
          { db: postgres({ provider: 'embedded' }) },
          { projectDir: tempDir(), progress },
        )
      }
      expect(steps[0]).toMatch(/\(cold start\)/)
      expect(steps[1]).toMatch(/\(warm start\)/)
      expect(statSync(process.env.TESTBED_CACHE_DIR).isDirectory()).toBe(true)
    } finally {
      delete process.env.TESTBED_CACHE_DIR
    }
  })
})

describe('the state dir', () => {
  test('an account that cannot reach the state dir gets an error naming the folder and the fix', async ({ skip }) => {
    skip(process.getuid?.() !== 0, 'only root runs servers as another account')
    const previous = process.env.TESTBED_STATE_DIR
    const privateDir = tempDir('testbed-private-')
    process.env.TESTBED_STATE_DIR = `${privateDir}/state`
    try {
      await expect(startServices({ db: postgres() }, { projectDir: tempDir() })).rejects.toThrow(
        `[testbed] The account "postgres" cannot reach the data dir of service "db": ${privateDir}.\n` +
          'testbed runs as root, so the server runs as "postgres", and that folder does not let other accounts through. ' +
          `Run \`chmod o+x ${privateDir}\`, or point TESTBED_STATE_DIR at a folder every account can reach (the default under /tmp works).`,
      )
    } finally {
      process.env.TESTBED_STATE_DIR = previous
    }
  })
})
