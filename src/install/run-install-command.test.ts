import { PassThrough } from 'node:stream'
import { expect, test } from 'vitest'
import { redis } from '../services/redis/redis-service.ts'
import { stillMissingError } from './install-errors.ts'
import { recipeFor } from './recipes.ts'
import { runInstallCommand } from './run-install-command.ts'

test('a failing install command shows its output as it runs, and fails with its last lines', async () => {
  const output = new PassThrough()
  let shown = ''
  output.on('data', (chunk) => (shown += chunk))
  const command = {
    argv: ['sh', '-c', 'echo "Reading package lists..."; echo "E: Unable to locate package nope" >&2; exit 100'],
  }
  const error = await runInstallCommand(command, output).catch((caught: unknown) => caught)
  expect(shown).toBe('Reading package lists...\nE: Unable to locate package nope\n')
  expect(error).toMatchObject({ code: 'TESTBED_INSTALL_COMMAND_FAILED' })
  expect((error as Error).message).toBe(
    [
      `[testbed] An install command failed: sh -c 'echo "Reading package lists..."; echo "E: Unable to locate package nope" >&2; exit 100'.`,
      'It exited with code 100; its last lines of output are below. Fix what they say (a network problem, a locked package database), then run `npx testbed install --with-deps` again.',
      '  • Reading package lists...',
      '  • E: Unable to locate package nope',
      'Read more: node_modules/testbed/docs/errors.md#testbed_install_command_failed',
    ].join('\n'),
  )
})

test('a command that cannot start fails with the reason', async () => {
  const error = await runInstallCommand({ argv: ['/nonexistent/apt-get', 'update'] }, new PassThrough()).catch(
    (caught: unknown) => caught,
  )
  expect((error as Error).message).toBe(
    [
      '[testbed] An install command failed: /nonexistent/apt-get update.',
      'It could not start (spawn /nonexistent/apt-get ENOENT); its last lines of output are below. Fix what they say (a network problem, a locked package database), then run `npx testbed install --with-deps` again.',
      'Read more: node_modules/testbed/docs/errors.md#testbed_install_command_failed',
    ].join('\n'),
  )
})

test('a service still missing after the install says where testbed looks', () => {
  const recipe = recipeFor(redis(), 'local', 'linux-x64')
  if (!recipe) throw new Error('no redis recipe')
  const need = {
    service: 'cache',
    label: 'Redis',
    state: 'missing',
    provider: 'local',
    reason: 'no redis-server or valkey-server on PATH',
    recipe,
  } as const
  expect(stillMissingError([need]).message).toBe(
    [
      '[testbed] Installed the packages, but a service still cannot start: "cache".',
      'The binaries are not where testbed looks (PATH, /usr/lib/postgresql/*/bin, Homebrew). Run `npx testbed doctor` to see where testbed looks, and put the binaries there or on PATH.',
      '  • cache: no redis-server or valkey-server on PATH',
      'Read more: node_modules/testbed/docs/errors.md#testbed_install_still_missing',
    ].join('\n'),
  )
})
