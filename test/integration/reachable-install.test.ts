import { execFileSync } from 'node:child_process'
import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { reachableInstall } from '../../src/providers/reachable-install.ts'
import { unprivilegedUser } from '../../src/providers/run-as-user.ts'
import { NOT_ROOT } from '../test-utils/other-account.ts'
import { tempDir } from '../test-utils/temp-dir.ts'

// A tiny install (bin/tool, lib/data) inside a private folder, like a project made by `mktemp -d`.
function privateInstall(dataBytes = 16): { folder: string; install: string } {
  const folder = tempDir('testbed-private-')
  chmodSync(folder, 0o700)
  const install = join(folder, 'node_modules', 'native')
  mkdirSync(join(install, 'bin'), { recursive: true })
  mkdirSync(join(install, 'lib'))
  writeFileSync(join(install, 'bin', 'tool'), '#!/bin/sh\necho "tool runs as $(id -un)"\n', { mode: 0o755 })
  writeFileSync(join(install, 'lib', 'data'), Buffer.alloc(dataBytes), { mode: 0o644 })
  return { folder, install }
}

function runAsServer(path: string): string {
  const account = unprivilegedUser()?.name ?? ''
  return execFileSync('runuser', ['-u', account, '--', path], { encoding: 'utf8' })
}

describe('binaries the server account cannot reach', () => {
  let previousStateDir: string | undefined
  beforeEach(({ skip }) => {
    skip(NOT_ROOT, 'only root runs servers as another account')
    previousStateDir = process.env.TESTBED_STATE_DIR
  })
  afterEach(() => {
    process.env.TESTBED_STATE_DIR = previousStateDir
  })

  test('are copied once to the state dir, where the account can run them, and the copy is reused', async () => {
    const { folder, install } = privateInstall()
    const runAs = unprivilegedUser()
    // As a run does when it starts (Run.create): the state dir lets the server account through.
    chmodSync(process.env.TESTBED_STATE_DIR ?? '', 0o711)
    const copy = await reachableInstall(install, runAs)
    expect(copy).toMatch(new RegExp(`^${process.env.TESTBED_STATE_DIR}/installs/native-[0-9a-f]{8}-[0-9a-f]{16}$`))
    expect(runAsServer(join(copy, 'bin', 'tool'))).toBe(`tool runs as ${runAs?.name}\n`)
    expect(() => runAsServer(join(install, 'bin', 'tool'))).toThrow(/Permission denied/)
    expect(statSync(folder).mode & 0o777).toBe(0o700)
    expect(statSync(join(copy, 'bin', 'tool')).uid).toBe(0)
    expect(await reachableInstall(install, runAs)).toBe(copy)
    expect(readdirSync(join(process.env.TESTBED_STATE_DIR ?? '', 'installs'))).toEqual([copy.split('/').at(-1)])
  })

  test('that cannot be copied either fail naming the blocking folder, the copy and the fixes', async () => {
    const { folder, install } = privateInstall(4 * 1024 * 1024)
    const mount = tempDir('testbed-full-')
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mount])
    try {
      process.env.TESTBED_STATE_DIR = mount
      const runAs = unprivilegedUser()
      const error = await reachableInstall(install, runAs).catch((thrown: Error) => thrown)
      expect(readdirSync(join(mount, 'installs'))).toEqual([])
      expect((error as Error).message).toMatch(
        new RegExp(
          `^${escapeRegExp(
            [
              `[testbed] The account "${runAs?.name}" cannot reach the server binaries, and copying them where it can failed: ${install}.`,
              `testbed runs as root, so servers run as "${runAs?.name}", and ${folder} does not let other accounts through; copying them to ${mount}/installs/native-`,
            ].join('\n'),
          )}[0-9a-f]{8}-[0-9a-f]{16} failed \\(cp: error writing '${escapeRegExp(mount)}/installs/native-[^']+/lib/data': No space left on device\\)\\. ${escapeRegExp(
            `Free space for the copy in the state dir or point TESTBED_STATE_DIR elsewhere, run \`chmod o+x ${folder}\`, or move the project to a folder other accounts can pass through.\nRead more: node_modules/testbed/docs/errors.md#testbed_service_binaries_not_reachable`,
          )}$`,
        ),
      )
    } finally {
      execFileSync('umount', [mount])
    }
  })
})

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
