import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { redactUrl } from '../../src/core/redact.ts'
import { postgres } from '../../src/services/postgres/postgres-service.ts'
import { redis } from '../../src/services/redis/redis-service.ts'
import type { ServiceSet } from '../../src/services/service-set.ts'
import { startServices } from '../../src/services/service-set.ts'
import { pgQuery } from '../test-utils/clients.ts'
import { asStranger, NOT_ROOT } from '../test-utils/other-account.ts'
import { tempDir } from '../test-utils/temp-dir.ts'
import { processOf } from '../test-utils/test-project.ts'

function serverOf(set: ServiceSet): { url: URL; pid: number; dir: string } {
  const service = set.services[0]
  return {
    url: new URL(service?.url ?? ''),
    pid: processOf(service)?.pid ?? 0,
    dir: join(set.run.dir, service?.name ?? ''),
  }
}

// The server and the processes it forked (PostgreSQL's children each start a session of their own).
function commandLinesOf(server: number): string[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
        const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
        if (Number(pid) !== server && parent !== server) return []
        return [readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')]
      } catch {
        return []
      }
    })
}

function ownerOf(pid: number): number {
  return statSync(`/proc/${pid}`).uid
}

describe.concurrent('a PostgreSQL testbed started', () => {
  test('hands out a URL with a password, and refuses a wrong one', async () => {
    await using set = await startServices({ db: postgres() }, { projectDir: tempDir() })
    const { url } = serverOf(set)
    expect(url.href).toMatch(/^postgresql:\/\/postgres:[\w-]{43}@127\.0\.0\.1:\d+\/postgres$/)
    expect(await pgQuery(url.href, 'SELECT 1 AS one')).toEqual([{ one: 1 }])
    const wrong = new URL(url)
    wrong.password = 'guessed'
    await expect(pgQuery(wrong.href, 'SELECT 1')).rejects.toThrow('password authentication failed for user "postgres"')
  })

  test('lets no other account in, over TCP or the unix socket; the URL works from any account', async ({ skip }) => {
    skip(NOT_ROOT, 'only root can act as another account')
    await using set = await startServices({ db: postgres() }, { projectDir: tempDir() })
    const { url, dir } = serverOf(set)
    const psql = (host: string) => ['-w', '-h', host, '-p', url.port, '-U', 'postgres', '-d', 'postgres', '-tAc']
    const copy = "COPY (SELECT 1) TO PROGRAM 'id'"
    const overTcp = asStranger('psql', [...psql('127.0.0.1'), copy])
    expect(overTcp.code).toBe(2)
    expect(overTcp.stderr).toContain('fe_sendauth: no password supplied')
    const overSocket = asStranger('psql', [...psql(dir), copy])
    expect(overSocket.code).toBe(2)
    expect(overSocket.stderr).toContain(
      `connection to server on socket "${dir}/.s.PGSQL.${url.port}" failed: Permission denied`,
    )
    expect(asStranger('psql', [url.href, '-tAc', 'SELECT 1'])).toMatchObject({ code: 0, stdout: '1\n' })
  })

  test('keeps its password off every command line, and its records and folder private', async () => {
    await using set = await startServices({ db: postgres() }, { projectDir: tempDir() })
    const { url, pid, dir } = serverOf(set)
    const commandLines = commandLinesOf(pid)
    expect(commandLines.length).toBeGreaterThan(1)
    expect(commandLines.filter((line) => line.includes(url.password))).toEqual([])
    expect(statSync(join(set.run.dir, 'run.json')).mode & 0o777).toBe(0o600)
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    expect(redactUrl(url.href)).toBe(`postgresql://postgres:***@127.0.0.1:${url.port}/postgres`)
  })
})

describe.concurrent('a Redis testbed started', () => {
  test('refuses commands until the password from its URL is given', async ({ skip }) => {
    skip(NOT_ROOT, 'only root can act as another account')
    await using set = await startServices({ cache: redis() }, { projectDir: tempDir() })
    const { url, dir } = serverOf(set)
    expect(url.href).toMatch(/^redis:\/\/default:[\w-]{43}@127\.0\.0\.1:\d+$/)
    for (const command of ['FLUSHALL', 'SAVE']) {
      const overTcp = asStranger('redis-cli', ['-h', '127.0.0.1', '-p', url.port, command])
      expect(overTcp.stdout).toBe('NOAUTH Authentication required.\n\n')
    }
    const overSocket = asStranger('redis-cli', ['-s', join(dir, 'redis.sock'), 'PING'])
    expect(overSocket.stderr).toContain(`Could not connect to Redis at ${dir}/redis.sock: Permission denied`)
    expect(asStranger('redis-cli', ['--no-auth-warning', '-u', url.href, 'PING']).stdout).toBe('PONG\n')
  })

  test('runs as an unprivileged account when testbed runs as root', async ({ skip }) => {
    skip(NOT_ROOT, 'only root needs another account')
    await using set = await startServices({ cache: redis() }, { projectDir: tempDir() })
    expect(ownerOf(serverOf(set).pid)).not.toBe(0)
  })

  test('keeps its password off its command line, in a config file only it can read', async () => {
    await using set = await startServices({ cache: redis() }, { projectDir: tempDir() })
    const { url, pid, dir } = serverOf(set)
    expect(commandLinesOf(pid).filter((line) => line.includes(url.password))).toEqual([])
    expect(statSync(join(dir, 'redis.conf')).mode & 0o777).toBe(0o600)
    expect(statSync(dir).mode & 0o777).toBe(0o700)
  })
})

describe('the account servers run as', () => {
  test('an unknown TESTBED_RUN_AS fails naming it and the fix, for Redis as for PostgreSQL', async ({ skip }) => {
    skip(NOT_ROOT, 'only root runs servers as another account')
    process.env.TESTBED_RUN_AS = 'no-such-account'
    try {
      await expect(startServices({ cache: redis() }, { projectDir: tempDir() })).rejects.toThrow(
        '[testbed] Cannot find an unprivileged account to run servers as: no-such-account.\n' +
          'testbed runs as root, and servers run as another account (PostgreSQL refuses root, and a test server must not hold root’s powers). ' +
          'Set TESTBED_RUN_AS to an existing account (for example `nobody`), or run testbed as a normal user.',
      )
    } finally {
      delete process.env.TESTBED_RUN_AS
    }
  })
})
