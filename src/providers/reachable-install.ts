import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
} from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { describeCause, TestbedError } from '../core/errors.ts'
import { stateDir } from '../core/paths.ts'
import { removeAbandonedStaging, stagingName } from './abandoned-staging.ts'
import type { RunAsUser } from './run-as-user.ts'

const run = promisify(execFile)
// Copies of an install nobody used for this long are dropped when a newer copy of it is made. A copy's
// mtime says when it was last used: set when it is made (cp -a keeps the source's) and each time it is reused.
const UNUSED_COPY_MS = 60 * 60_000

/**
 * `path` (a folder of binaries, or one binary) when the account servers run as can reach it; else
 * a copy it can reach, made once under the state dir (hard links where the filesystem allows) and
 * reused. A project in a private folder (`mktemp -d`, `/root`) keeps its folder closed (decisions/0013).
 */
export async function reachableInstall(path: string, runAs: RunAsUser | null): Promise<string> {
  if (runAs === null) return path
  const source = realpathSync(path)
  const blocking = blockingDir(source, runAs)
  if (blocking === null) return path
  const copies = join(stateDir(), 'installs')
  const target = join(copies, `${basename(source)}-${sourceKey(source)}-${contentKey(source)}`)
  if (existsSync(target)) {
    touch(target)
    return target
  }
  try {
    await copyInstall(source, copies, target)
  } catch (error) {
    throw unreachableInstall(source, blocking, runAs, target, error)
  }
  touch(target)
  dropUnusedCopies(copies, `${basename(source)}-${sourceKey(source)}-`, target)
  return target
}

/** The first folder on the way to `path` that `runAs` may not pass through; null when none blocks. */
export function blockingDir(path: string, runAs: RunAsUser): string | null {
  for (let current = dirname(path); ; current = dirname(current)) {
    if (!allowsSearch(current, runAs)) return current
    if (current === dirname(current)) return null
  }
}

function allowsSearch(dir: string, runAs: RunAsUser): boolean {
  const { mode, uid, gid } = statSync(dir)
  if (uid === runAs.uid) return (mode & 0o100) !== 0
  if (gid === runAs.gid) return (mode & 0o010) !== 0
  return (mode & 0o001) !== 0
}

function sourceKey(source: string): string {
  return createHash('sha256').update(source).digest('hex').slice(0, 8)
}

// Size, mtime and inode of the install's top two levels (bin/postgres, lib/*.so, …): a reinstall or an
// upgrade writes new files, so it gets a new copy. Every file would be 1,000 stat calls on each start.
function contentKey(source: string): string {
  const hash = createHash('sha256')
  for (const entry of walk(source, 2)) {
    const stats = lstatSync(entry)
    hash.update(`${entry}\0${stats.size}\0${stats.mtimeMs}\0${stats.ino}\n`)
  }
  return hash.digest('hex').slice(0, 16)
}

function walk(path: string, depth: number): string[] {
  if (depth === 0 || !lstatSync(path).isDirectory()) return [path]
  return [path, ...readdirSync(path).flatMap((name) => walk(join(path, name), depth - 1))]
}

// Made under a private name and renamed into place, so concurrent runs never use a half-made copy.
// The copy is owned by root and not writable by the server account, like the original.
async function copyInstall(source: string, copies: string, target: string): Promise<void> {
  mkdirSync(copies, { recursive: true, mode: 0o711 })
  removeAbandonedStaging(copies)
  const staging = stagingName(target)
  try {
    await run('cp', ['-al', source, staging]).catch(async () => {
      // Another filesystem than the original's: hard links cannot cross it.
      rmSync(staging, { recursive: true, force: true })
      await run('cp', ['-a', source, staging])
    })
    renameSync(staging, target)
  } catch (error) {
    rmSync(staging, { recursive: true, force: true })
    if (!existsSync(target)) throw error
  }
}

function dropUnusedCopies(copies: string, prefix: string, current: string): void {
  for (const name of readdirSync(copies)) {
    const path = join(copies, name)
    if (!name.startsWith(prefix) || path === current || name.endsWith('.tmp')) continue
    if (Date.now() - statSync(path).mtimeMs > UNUSED_COPY_MS) rmSync(path, { recursive: true, force: true })
  }
}

function touch(path: string): void {
  const now = new Date()
  utimesSync(path, now, now)
}

// cp's own complaint (`cp: error writing '…': No space left on device`) rather than "Command failed: cp …".
function copyFailure(cause: unknown): string {
  const stderr = (cause as { stderr?: unknown } | null)?.stderr
  const firstLine = typeof stderr === 'string' ? stderr.trim().split('\n')[0] : undefined
  return firstLine || describeCause(cause)
}

function unreachableInstall(
  source: string,
  blocking: string,
  runAs: RunAsUser,
  target: string,
  cause: unknown,
): TestbedError {
  return new TestbedError(
    'TESTBED_SERVICE_BINARIES_NOT_REACHABLE',
    {
      what: `The account "${runAs.name}" cannot reach the server binaries, and copying them where it can failed`,
      subject: source,
      why: `testbed runs as root, so servers run as "${runAs.name}", and ${blocking} does not let other accounts through; copying them to ${target} failed (${copyFailure(cause)})`,
      fix: `Free space for the copy in the state dir or point TESTBED_STATE_DIR elsewhere, run \`chmod o+x ${blocking}\`, or move the project to a folder other accounts can pass through`,
    },
    { cause },
  )
}
