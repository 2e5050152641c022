// `testbed install` on this machine, as a user runs it. Where redis-server is installed, it is hidden
// from one command by binding /dev/null over it in a mount namespace of its own (root only), so the
// "missing" paths run against the real machine without uninstalling anything.
import { spawnSync } from 'node:child_process'
import { chmodSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { findEmbeddedBinaries } from '../../src/services/postgres/postgres-binaries.ts'
import { findRedisServer } from '../../src/services/redis/redis-binaries.ts'
import { NOT_ROOT } from '../test-utils/other-account.ts'
import { CLI, runTestbed, spawnProcess } from '../test-utils/run-cli.ts'
import { tempDir } from '../test-utils/temp-dir.ts'
import { testProject } from '../test-utils/test-project.ts'

const embedded = await findEmbeddedBinaries()
const redis = await findRedisServer()
const CAN_HIDE = !NOT_ROOT && redis !== null && spawnSync('unshare', ['--mount', 'true']).status === 0
const HIDE_REDIS = 'mount --bind /dev/null "$0" && exec "$@"'
const SERVICES = '{ db: postgres(), cache: redis() }'

function header(dir: string): string {
  return `testbed install — ${dir}/testbed.config.ts`
}

const dbReady = `  ✓ db (PostgreSQL): embedded — PostgreSQL ${embedded?.version} in ${embedded?.binDir}`
const cacheMissing = '  ✗ cache (Redis): local — no redis-server or valkey-server on PATH; needs redis-server'

/** `testbed install <args>` in `dir` with redis-server hidden; as `user` when given. */
function installWithoutRedis(dir: string, args: string[], user?: string) {
  const command = [process.execPath, CLI, 'install', ...args]
  const inner = user ? ['runuser', '-u', user, '--', ...command] : command
  const hide = ['--mount', '--propagation', 'private', 'sh', '-c', HIDE_REDIS, redis?.path ?? '', ...inner]
  return spawnProcess('unshare', hide, { cwd: dir, env: NO_CONTAINER_ENGINE }).exited
}

// A machine without redis-server and without a container engine: the docker provider would serve Redis otherwise.
const NO_CONTAINER_ENGINE = { DOCKER_HOST: 'unix:///nonexistent/docker.sock' }

describe('testbed install', () => {
  test('with everything there, installs nothing and starts PostgreSQL once, so the first test run starts warm', async () => {
    await using project = testProject(SERVICES)
    const cacheDir = tempDir()
    const result = await runTestbed(['install'], { cwd: project.dir, env: { TESTBED_CACHE_DIR: cacheDir } })
    expect(result.stdout.replace(/started once \([^)]+\)/, 'started once (…)')).toBe(
      [
        header(project.dir),
        dbReady,
        `  ✓ cache (Redis): local — ${redis?.flavor} ${redis?.version} at ${redis?.path}`,
        '  ✓ db: started once (…); its first start ran initdb and cached the cluster: test runs start from the cache',
        'Nothing to install: every configured service can start on this machine.',
        '',
      ].join('\n'),
    )
    expect(result.code).toBe(0)
    expect(readdirSync(join(cacheDir, 'postgres-initdb')).filter((name) => name.endsWith('.tar'))).toHaveLength(1)
  })

  // The one run that may really install: on a machine without redis-server, apt-get (or Homebrew) installs it here.
  test('--with-deps leaves every configured service able to start', async () => {
    await using project = testProject(SERVICES)
    const result = await runTestbed(['install', '--with-deps'], { cwd: project.dir })
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toMatch(
      /^(Nothing to install|Installed): every configured service can start on this machine\.$/m,
    )
    expect(await findRedisServer()).not.toBeNull()
  })

  test('a provider forced or pointed elsewhere is named with its fix, since no package would help', async () => {
    await using project = testProject(SERVICES)
    const env = { TESTBED_REDIS_SERVER: '/nonexistent/redis-server', ...NO_CONTAINER_ENGINE }
    const result = await runTestbed(['install', '--with-deps'], { cwd: project.dir, env })
    expect(result.stderr).toBe(
      [
        '[testbed] A service that no package would fix: "cache".',
        'Its provider is forced or pointed elsewhere by a setting, or testbed knows no way to install it here. Do what each line below says.',
        '  • cache (Redis, local): TESTBED_REDIS_SERVER names /nonexistent/redis-server, which is not a working redis-server — install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis)',
        'Read more: node_modules/testbed/docs/errors.md#testbed_install_stuck',
        '',
      ].join('\n'),
    )
    expect(result.code).toBe(1)
  })
})

describe.skipIf(!CAN_HIDE)('testbed install without redis-server', () => {
  test('checks only: names what is missing and the exact commands, and fails', async () => {
    await using project = testProject(SERVICES)
    const result = await installWithoutRedis(project.dir, [])
    expect(result.stdout).toBe([header(project.dir), dbReady, cacheMissing, ''].join('\n'))
    expect(result.stderr).toBe(
      [
        '[testbed] Missing what the configured services need: redis-server.',
        '`testbed install` without `--with-deps` checks and installs no system package. Run `npx testbed install --with-deps` to install it with apt-get, or do it yourself: the lines below.',
        '  • apt-get update',
        '  • DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server',
        'Read more: node_modules/testbed/docs/errors.md#testbed_install_missing',
        '',
      ].join('\n'),
    )
    expect(result.code).toBe(1)
  })

  test('--dry-run prints what --with-deps would run, and runs nothing', async () => {
    await using project = testProject(SERVICES)
    const result = await installWithoutRedis(project.dir, ['--with-deps', '--dry-run'])
    expect(result.stdout).toBe(
      [
        header(project.dir),
        dbReady,
        cacheMissing,
        'Would run:',
        '  $ apt-get update',
        '  $ DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server',
        '',
      ].join('\n'),
    )
    expect(result.code).toBe(0)
  })

  test('--with-deps as a user without root or sudo prints the commands to run as root, and fails', async () => {
    await using project = testProject(SERVICES)
    chmodSync(project.dir, 0o755)
    const result = await installWithoutRedis(project.dir, ['--with-deps'], 'nobody')
    expect(result.stderr).toBe(
      [
        '[testbed] testbed cannot install what the configured services need on this machine: redis-server.',
        'Installing Debian packages needs root, and this is not root and has no sudo. Do it yourself: the lines below, then run `npx testbed install` again to check.',
        '  • apt-get update (as root)',
        '  • DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server (as root)',
        'Read more: node_modules/testbed/docs/errors.md#testbed_install_manual',
        '',
      ].join('\n'),
    )
    expect(result.code).toBe(1)
  })
})
