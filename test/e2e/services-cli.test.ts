import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { cacheDir } from '../../src/core/paths.ts'
import { isRunning } from '../../src/core/process-identity.ts'
import { redactUrl } from '../../src/core/redact.ts'
import { findEmbeddedBinaries } from '../../src/services/postgres/postgres-binaries.ts'
import { pgQuery, redisPing } from '../test-utils/clients.ts'
import { commandName, expectNoProcessLeft } from '../test-utils/processes.ts'
import { CLI, runTestbed, spawnProcess, spawnTestbed } from '../test-utils/run-cli.ts'
import { serviceOf, testProject } from '../test-utils/test-project.ts'

const LOUD = { TESTBED_QUIET: '' }
const KEEP_RUNNING =
  'Services keep running. Use them with `eval "$(npx testbed services env)"`; stop them with `npx testbed services down`.'
const embedded = await findEmbeddedBinaries()
if (!embedded) throw new Error('the embedded PostgreSQL package is missing: run npm install')

function lines(...text: string[]): string {
  return `${text.join('\n')}\n`
}

// The rows of a services table (`  name  kind  version  provider  pid N  url`) as words, sorted by service name.
function tableRows(output: string): string[][] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('  '))
    .map((line) => line.trim().split(/\s+/))
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])))
}

// At most two PostgreSQL and two Redis servers start at once: each block's tests run side by side, blocks one after another.
describe.concurrent('services up --detach', () => {
  test('starts PostgreSQL and Redis that outlive the command, reach a shell through `services env`, and stop with `services down`', async () => {
    await using project = testProject()
    const cwd = project.dir
    const up = await runTestbed(['services', 'up', '--detach'], { cwd })
    expect(up).toMatchObject({ code: 0, stdout: '' })
    expect(up.stderr.split('\n').slice(-2)).toEqual([KEEP_RUNNING, ''])
    const run = project.run()
    const postgres = serviceOf(run, 'postgres')
    const redis = serviceOf(run, 'redis')
    expect([isRunning(postgres.process), commandName(postgres.process.pid)]).toEqual([true, 'postgres'])
    expect([isRunning(redis.process), commandName(redis.process.pid)]).toEqual([true, 'redis-server'])
    const table = [
      [
        'postgres',
        'postgres',
        embedded.version,
        'embedded',
        'pid',
        String(postgres.process.pid),
        redactUrl(postgres.url),
      ],
      ['redis', 'redis', redis.version, 'local', 'pid', String(redis.process.pid), redactUrl(redis.url)],
    ]
    expect(tableRows(up.stderr)).toEqual(table)

    const status = await runTestbed(['services', 'status'], { cwd })
    expect(status).toMatchObject({ code: 0, stderr: '' })
    expect(status.stdout.split('\n')[0]).toBe(`${cwd} (run ${run.record.id}, detached, since ${run.record.createdAt})`)
    expect(tableRows(status.stdout)).toEqual(table)

    const env = await runTestbed(['services', 'env'], { cwd })
    expect(env).toMatchObject({ code: 0, stderr: '' })
    const { port, password } = new URL(postgres.url)
    // The services' own variables come in the order the servers became ready.
    const envLines = env.stdout.split('\n')
    expect(envLines.slice(0, 2).sort()).toEqual([
      `export TESTBED_POSTGRES_URL='${postgres.url}'`,
      `export TESTBED_REDIS_URL='${redis.url}'`,
    ])
    expect(envLines.slice(2)).toEqual([
      `export DATABASE_URL='${postgres.url}'`,
      "export PGHOST='127.0.0.1'",
      `export PGPORT='${port}'`,
      "export PGUSER='postgres'",
      `export PGPASSWORD='${password}'`,
      "export PGDATABASE='postgres'",
      `export REDIS_URL='${redis.url}'`,
      '',
    ])
    expect(postgres.url).toMatch(/^postgresql:\/\/postgres:[\w-]{43}@127\.0\.0\.1:\d+\/postgres$/)
    expect(redis.url).toMatch(/^redis:\/\/default:[\w-]{43}@127\.0\.0\.1:\d+$/)
    const script = `eval "$('${process.execPath}' '${CLI}' services env)"
      psql "$TESTBED_POSTGRES_URL" -tAc 'select 1'
      psql -tAc 'select 2'
      redis-cli -u "$TESTBED_REDIS_URL" ping`
    const shell = await spawnProcess('bash', ['-c', script], { cwd }).exited
    expect(shell).toMatchObject({ code: 0, stdout: '1\n2\nPONG\n' })

    const down = await runTestbed(['services', 'down'], { cwd })
    expect(down).toEqual({ code: 0, signal: null, stdout: '', stderr: 'Stopped 2 services and removed their data.\n' })
    expect([isRunning(postgres.process), isRunning(redis.process)]).toEqual([false, false])
    await expectNoProcessLeft(run)
    expect(existsSync(run.dir)).toBe(false)
  })

  test('a second `services up --detach` attaches to the running services instead of starting new ones', async () => {
    await using project = testProject()
    const cwd = project.dir
    const first = await runTestbed(['services', 'up', '--detach'], { cwd })
    expect(first.code).toBe(0)
    const run = project.run()
    const second = await runTestbed(['services', 'up', '--detach'], { cwd, env: LOUD })
    expect(second.code).toBe(0)
    // The same table (names, pids, URLs) as the first start printed, under a line saying it attached.
    expect(second.stderr).toBe(
      `✓ attached to services left running by \`testbed services up\` (run ${run.record.id})\n${first.stderr}`,
    )
    expect(project.runs().map((candidate) => candidate.record)).toEqual([run.record])
  })
})

describe.concurrent('services up in the foreground', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    test(`stops its servers and removes its run dir on ${signal}`, async () => {
      await using project = testProject()
      await using up = spawnTestbed(['services', 'up'], { cwd: project.dir })
      await up.stderrLine('Services run until you press Ctrl-C.')
      const run = project.run()
      const postgres = serviceOf(run, 'postgres')
      const redis = serviceOf(run, 'redis')
      expect(await pgQuery(postgres.url, 'SELECT 1 AS one')).toEqual([{ one: 1 }])
      expect(await redisPing(redis.url)).toBe('PONG')

      up.child.kill(signal)
      const result = await up.exited
      expect(result).toMatchObject({ code: 0, signal: null })
      expect(result.stderr.split('\n').slice(-3)).toEqual(['Services run until you press Ctrl-C.', 'Stopped.', ''])
      expect([isRunning(postgres.process), isRunning(redis.process)]).toEqual([false, false])
      await expectNoProcessLeft(run)
      expect(existsSync(run.dir)).toBe(false)
    })
  }
})

describe('services up in the foreground, when one of its servers dies', () => {
  test('says which, how it ended, its last log lines and where its log is kept, stops the others and exits 1', async () => {
    await using project = testProject()
    await using up = spawnTestbed(['services', 'up'], { cwd: project.dir })
    await up.stderrLine('Services run until you press Ctrl-C.')
    const run = project.run()
    const [postgres, redis] = [serviceOf(run, 'postgres'), serviceOf(run, 'redis')]
    const flavor = redisFlavor(redis.url)
    process.kill(redis.process.pid, 'SIGKILL')

    const result = await up.exited
    const output = result.stderr.split('\n')
    const after = output.slice(output.indexOf('Services run until you press Ctrl-C.') + 1)
    const keptLog = `${process.env.TESTBED_STATE_DIR}/logs/${run.record.id}-redis.log`
    const logLines = readFileSync(keptLog, 'utf8').trimEnd().split('\n').slice(-12)
    expect({ ...result, stderr: after }).toEqual({
      code: 1,
      signal: null,
      stdout: '',
      stderr: [
        `[testbed] ${flavor} ${redis.version} (local) stopped in the middle of the run for service "redis": ${keptLog}.`,
        'The server was killed by SIGKILL although testbed did not ask it to stop; whatever uses it fails from here on, and the run fails with it. Its log is kept at that path and ends with the lines below; look there, and in `dmesg` for the kernel’s out-of-memory killer, for what ended it, then run again.',
        ...logLines.map((line) => `  • | ${line}`),
        'Read more: node_modules/testbed/docs/errors.md#testbed_service_died',
        'Stopped the other services.',
        '',
      ],
    })
    expect(isRunning(postgres.process)).toBe(false)
    await expectNoProcessLeft(run)
    expect(existsSync(run.dir)).toBe(false)
  })
})

// `Redis` or `Valkey`, as the server reports itself.
function redisFlavor(url: string): string {
  const info = spawnSync('redis-cli', ['-u', url, 'INFO', 'server'], { encoding: 'utf8' }).stdout
  return /^server_name:valkey/m.test(info) ? 'Valkey' : 'Redis'
}

const unshareRefusal = probeMountNamespace()

function probeMountNamespace(): string | null {
  const target = mkdtempSync(join(tmpdir(), 'testbed-mount-probe-'))
  const probe = spawnSync('unshare', ['--mount', '--propagation', 'private', 'mount', '-t', 'tmpfs', 'none', target], {
    encoding: 'utf8',
  })
  rmSync(target, { recursive: true })
  if (probe.status === 0) return null
  return `unshare --mount with a tmpfs mount is not permitted here: ${probe.error?.message ?? probe.stderr.trim()}`
}

describe.concurrent('providers and errors', () => {
  test('serves PostgreSQL 18 from the npm-shipped binaries when the machine ones are out of reach', async ({
    skip,
  }) => {
    skip(unshareRefusal !== null, unshareRefusal ?? '')
    await using project = testProject()
    // The CLI runs in a mount namespace where the Debian binaries' folders are empty tmpfs mounts.
    const script = [
      '[ ! -d /usr/lib/postgresql ] || mount -t tmpfs none /usr/lib/postgresql',
      '[ ! -d /usr/local/bin ] || mount -t tmpfs none /usr/local/bin',
      '! command -v postgres && ! command -v initdb',
      `exec '${process.execPath}' '${CLI}' services up --detach`,
    ].join(' && ')
    const up = await spawnProcess('unshare', ['--mount', '--propagation', 'private', 'bash', '-c', script], {
      cwd: project.dir,
      env: { TESTBED_POSTGRES_PROVIDER: 'embedded' },
    }).exited
    expect(up).toMatchObject({ code: 0, stdout: '' })
    const run = project.run()
    const postgres = serviceOf(run, 'postgres')
    expect(postgres.provider).toBe('embedded')
    const [row] = await pgQuery<{ version: string }>(postgres.url, 'SELECT version()')
    expect(row?.version).toMatch(/^PostgreSQL 18\./)

    const down = await runTestbed(['services', 'down'], { cwd: project.dir })
    expect(down).toMatchObject({ code: 0, stderr: 'Stopped 2 services and removed their data.\n' })
    await expectNoProcessLeft(run)
  })

  test('`services env` explains that nothing runs for the project', async () => {
    await using project = testProject()
    const result = await runTestbed(['services', 'env'], { cwd: project.dir })
    expect(result).toEqual({
      code: 1,
      signal: null,
      stdout: '',
      stderr: lines(
        `[testbed] No services are running for this project: ${project.dir}.`,
        '`testbed services env` and `testbed psql` use the services started by `testbed services up`, and none are up. Run `npx testbed services up --detach` first.',
        'Read more: node_modules/testbed/docs/errors.md#testbed_service_not_running',
      ),
    })
  })

  test('an unknown command names the commands testbed knows', async () => {
    await using project = testProject()
    const result = await runTestbed(['services', 'restart'], { cwd: project.dir })
    expect(result).toEqual({
      code: 1,
      signal: null,
      stdout: '',
      stderr: lines(
        '[testbed] Unknown command: testbed services restart.',
        'testbed knows `test`, `services up|down|status|env`, `psql`, `compose`, `doctor`, `ci github`, `init`, `install` and `report`. Run `npx testbed --help` for the list.',
        'Read more: node_modules/testbed/docs/errors.md#testbed_cli_unknown_command',
      ),
    })
  })

  test('a provider forced by TESTBED_POSTGRES_PROVIDER that is not available fails with how to fix it', async () => {
    await using project = testProject('{ postgres: postgres() }')
    const result = await runTestbed(['services', 'up', '--detach'], {
      cwd: project.dir,
      env: { TESTBED_POSTGRES_PROVIDER: 'local', TESTBED_POSTGRES_BIN_DIR: '/nonexistent' },
    })
    expect(result).toEqual({
      code: 1,
      signal: null,
      stdout: '',
      stderr: lines(
        '[testbed] The PostgreSQL provider forced by TESTBED_POSTGRES_PROVIDER is not available for service "postgres": local.',
        'No initdb and postgres in /nonexistent, the folder TESTBED_POSTGRES_BIN_DIR names. To fix it: point TESTBED_POSTGRES_BIN_DIR at the folder holding initdb and postgres (`pg_config --bindir` prints it), or unset it to search PATH and /usr/lib/postgresql/*/bin; or unset TESTBED_POSTGRES_PROVIDER to let testbed choose.',
        'Read more: node_modules/testbed/docs/errors.md#testbed_service_provider_unavailable',
      ),
    })
    expect(project.runs()).toEqual([])
  })

  test('a provider in TESTBED_POSTGRES_PROVIDER that cannot serve PostgreSQL is named with the ones that can', async () => {
    await using project = testProject('{ postgres: postgres() }')
    const result = await runTestbed(['services', 'up', '--detach'], {
      cwd: project.dir,
      env: { TESTBED_POSTGRES_PROVIDER: 'podman' },
    })
    expect(result).toEqual({
      code: 1,
      signal: null,
      stdout: '',
      stderr: lines(
        '[testbed] The provider forced by TESTBED_POSTGRES_PROVIDER cannot serve PostgreSQL for service "postgres": `podman`.',
        'PostgreSQL can be served by `external`, `embedded`, `local`, `docker`. Use one of those, or unset TESTBED_POSTGRES_PROVIDER to let testbed choose.',
        'Read more: node_modules/testbed/docs/errors.md#testbed_config_invalid',
      ),
    })
  })

  test('an unreachable TESTBED_POSTGRES_URL fails after retrying, with its password redacted', async () => {
    await using project = testProject('{ postgres: postgres() }')
    const port = await closedPort()
    const result = await runTestbed(['services', 'up', '--detach'], {
      cwd: project.dir,
      env: { TESTBED_POSTGRES_URL: `postgresql://app:s3cret@127.0.0.1:${port}/db` },
    })
    const elapsed = /^ {2}• elapsed: (\d+\.\d\d) s$/m.exec(result.stderr)?.[1]
    expect(Number(elapsed)).toBeGreaterThanOrEqual(5)
    expect(result).toEqual({
      code: 1,
      signal: null,
      stdout: '',
      stderr: lines(
        `[testbed] Cannot reach the external PostgreSQL for service "postgres": postgresql://app:***@127.0.0.1:${port}/db.`,
        `A query to the URL from TESTBED_POSTGRES_URL failed: connect ECONNREFUSED 127.0.0.1:${port}. Start that server or correct the URL; or unset TESTBED_POSTGRES_URL to let testbed start its own.`,
        `  • elapsed: ${elapsed} s`,
        'Read more: node_modules/testbed/docs/errors.md#testbed_service_unreachable',
      ),
    })
  })

  test('a TESTBED_STATE_DIR that cannot be created says the data dir is not writable', async () => {
    await using project = testProject()
    const file = join(project.dir, 'a-file')
    writeFileSync(file, '')
    const stateDir = join(file, 'state')
    const result = await runTestbed(['services', 'up', '--detach'], {
      cwd: project.dir,
      env: { TESTBED_STATE_DIR: stateDir },
    })
    expect({ ...result, stderr: normalise(result.stderr) }).toEqual({
      code: 1,
      signal: null,
      stdout: '',
      stderr: lines(
        `[testbed] Cannot create a data dir for this run under the state dir: ${stateDir}.`,
        `testbed keeps each server's data, socket and log there, and creating a folder in it failed (EEXIST: file already exists, mkdir '${file}'). Point TESTBED_STATE_DIR at a writable folder, or make that one writable.`,
        'Read more: node_modules/testbed/docs/errors.md#testbed_service_data_dir_not_writable',
      ),
    })
  })

  test('a `port` another process listens on fails before the server starts, saying how to find that process', async () => {
    await using holder = await listening()
    const port = (holder.address() as { port: number }).port
    await using project = testProject(`{ postgres: postgres({ port: ${port} }) }`)
    const result = await runTestbed(['services', 'up', '--detach'], { cwd: project.dir })
    expect(result).toEqual({
      code: 1,
      signal: null,
      stdout: '',
      stderr: lines(
        `[testbed] Cannot start PostgreSQL ${embedded.version} (embedded) for service "postgres": the \`port\` it was given is taken: 127.0.0.1:${port}.`,
        `Another process is already listening on that port. Stop that process (\`ss -ltnp 'sport = :${port}'\` shows it), choose another \`port\`, or remove \`port\` to let testbed pick a free one.`,
        'Read more: node_modules/testbed/docs/errors.md#testbed_service_port_taken',
      ),
    })
    expect(project.runs()).toEqual([])
  })

  test('a server that exits during start fails with its command and the last lines of its log', async () => {
    await using project = testProject(`{ postgres: postgres({ settings: { shared_buffers: 'lots' } }) }`)
    const result = await runTestbed(['services', 'up', '--detach'], { cwd: project.dir })
    const runs = `${process.env.TESTBED_STATE_DIR}/runs`
    expect({ ...result, stderr: normalise(result.stderr) }).toEqual({
      code: 1,
      signal: null,
      stdout: '',
      stderr: lines(
        `[testbed] PostgreSQL ${embedded.version} (embedded) exited during start for service "postgres": ${process.env.TESTBED_STATE_DIR}/logs/<run>-postgres.log.`,
        'The server exited with code 1 before it answered a query; its log below says why. Fix the cause the log names (a bad setting, a full disk, missing permissions), then run again; `npx testbed doctor` checks the installation.',
        '  • elapsed: <duration>',
        `  • command: ${embedded.postgres} -D ${runs}/<run>/postgres/data -p <port> -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c dynamic_shared_memory_type=mmap -c shared_buffers=lots -c io_method=sync -c listen_addresses=127.0.0.1 -c unix_socket_directories=${runs}/<run>/postgres -c unix_socket_permissions=0700`,
        '  • | <time> [<pid>] FATAL:  invalid value for parameter "shared_buffers": "lots"',
        'Read more: node_modules/testbed/docs/errors.md#testbed_service_exited',
      ),
    })
    expect(project.runs()).toEqual([])
  })

  test('doctor lists each provider of PostgreSQL and Redis, says which it would use and why, and exits 0', async () => {
    await using project = testProject()
    const result = await runTestbed(['doctor'], { cwd: project.dir })
    expect(result).toMatchObject({ code: 0, stderr: '' })
    expect(result.stdout.split('\n')).toEqual([
      `testbed doctor — ${project.dir} (no testbed.config.ts: default services)`,
      '',
      `  node        ${process.version}`,
      expect.stringMatching(/^ {2}servers as {2}(\w+ \(uid \d+\), because testbed runs as root|the current user)$/),
      `  state dir   ${process.env.TESTBED_STATE_DIR} (writable)`,
      `  cache dir   ${cacheDir()} (writable)`,
      expect.stringMatching(/^ {2}containers {2}((Docker|Podman) \S+ at \S+ \(reachable\)|✗ .+ — to fix: .+)$/),
      '',
      'PostgreSQL — service "postgres"',
      '  ✗ external  TESTBED_POSTGRES_URL is not set — to fix: set TESTBED_POSTGRES_URL to use a running server',
      `  ✓ embedded  PostgreSQL ${embedded.version} in ${embedded.binDir}`,
      expect.stringMatching(/^ {2}✓ local {5}PostgreSQL \d+(\.\d+)? in \/\S+$/),
      expect.stringMatching(/^ {2}(✓ docker {4}postgres:18 on .+|✗ docker {4}.+ — to fix: .+)$/),
      '  → would use embedded: the first available in the order external → embedded → local → docker',
      '  client tools: ✓ psql, createdb, dropdb, pg_dump (for `testbed psql` and suites that call them)',
      '',
      'Redis — service "redis"',
      '  ✗ external  TESTBED_REDIS_URL is not set — to fix: set TESTBED_REDIS_URL to use a running server',
      expect.stringMatching(/^ {2}✓ local {5}(Redis|Valkey) \d+\.\d+\.\d+ at \/\S+-server$/),
      expect.stringMatching(/^ {2}(✓ docker {4}redis:7 on .+|✗ docker {4}.+ — to fix: .+)$/),
      '  → would use local: the first available in the order external → local → docker',
      '',
    ])
  })

  test('doctor says which container engine answers where, or why none does and how to get one', async () => {
    await using project = testProject()
    const env = { DOCKER_HOST: 'unix:///nonexistent/docker.sock' }
    const result = await runTestbed(['doctor'], { cwd: project.dir, env })
    expect(result.stdout.split('\n').find((line) => line.startsWith('  containers'))).toBe(
      '  containers  ✗ no container engine answers at unix:///nonexistent/docker.sock (connect ENOENT /nonexistent/docker.sock) — to fix: start Docker, or point DOCKER_HOST at a Docker-compatible API (Podman: `podman system service -t 0 unix:///run/podman.sock &` and DOCKER_HOST=unix:///run/podman.sock)',
    )
    expect(result.code).toBe(0)
  })

  test('doctor names the variable that forces a provider as the reason for its choice', async () => {
    await using project = testProject()
    const result = await runTestbed(['doctor'], { cwd: project.dir, env: { TESTBED_POSTGRES_PROVIDER: 'local' } })
    expect(result.code).toBe(0)
    expect(result.stdout.split('\n').filter((line) => line.startsWith('  → '))).toEqual([
      '  → would use local: forced by TESTBED_POSTGRES_PROVIDER',
      '  → would use local: the first available in the order external → local → docker',
    ])
  })
})

// Replaces what differs from run to run (run ids, ports, durations, log prefixes) with placeholders.
function normalise(text: string): string {
  return text
    .replace(/\/runs\/[a-z0-9]+-\d+-[0-9a-f]{6}/g, '/runs/<run>')
    .replace(/\/logs\/[a-z0-9]+-\d+-[0-9a-f]{6}-/g, '/logs/<run>-')
    .replace(/ -p \d+ /g, ' -p <port> ')
    .replace(/elapsed: \d+(\.\d+)? m?s/g, 'elapsed: <duration>')
    .replace(/\| \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \w+ \[\d+\] /g, '| <time> [<pid>] ')
}

function listening(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve(server))
  })
}

async function closedPort(): Promise<number> {
  await using server = await listening()
  return (server.address() as { port: number }).port
}
