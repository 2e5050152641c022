import { existsSync } from 'node:fs'
import { join } from 'node:path'

/** A workflow step, as GitHub Actions reads it. */
export type Step = Record<string, unknown>

/** How CI installs the project's dependencies and runs its binaries. */
export interface PackageManager {
  name: 'npm' | 'pnpm' | 'yarn' | 'bun'
  /** The lock file install commands keep to, relative to the project; null when there is none. */
  lockfile: string | null
  /** Steps that install the package manager itself, before `actions/setup-node` (whose cache asks it for its store). */
  beforeNode: Step[]
  /** Steps that need the Node of `actions/setup-node`. */
  afterNode: Step[]
  /** `actions/setup-node`'s `cache` input: it caches the package manager's store, keyed by the lock file. */
  cache: 'npm' | 'pnpm' | 'yarn' | null
  install: string
  /** Runs a binary of the project's dependencies: `npx testbed …`. */
  exec: string
}

const LOCKFILES = [
  ['package-lock.json', 'npm'],
  ['npm-shrinkwrap.json', 'npm'],
  ['pnpm-lock.yaml', 'pnpm'],
  ['yarn.lock', 'yarn'],
  ['bun.lock', 'bun'],
  ['bun.lockb', 'bun'],
] as const

// Used when package.json names no pnpm version: pnpm/action-setup requires one.
const PNPM_VERSION = '10'

/**
 * The project's package manager: the `packageManager` field of package.json, otherwise its lock
 * file, otherwise npm (which then installs without a lock file).
 * @example
 * detectPackageManager('/repo', 'pnpm@9.15.0').install // 'pnpm install --frozen-lockfile'
 */
export function detectPackageManager(projectDir: string, packageManagerField: string | undefined): PackageManager {
  const declared = packageManagerField?.split('@')[0]
  const found = LOCKFILES.filter(([file]) => existsSync(join(projectDir, file)))
  const [lockfile, name] = found.find(([, manager]) => manager === declared) ??
    found[0] ?? [null, isKnown(declared) ? declared : 'npm']
  return forManager(name, lockfile, declared === name, existsSync(join(projectDir, '.yarnrc.yml')))
}

function isKnown(name: string | undefined): name is PackageManager['name'] {
  return name === 'npm' || name === 'pnpm' || name === 'yarn' || name === 'bun'
}

function forManager(
  name: PackageManager['name'],
  lockfile: string | null,
  declaresVersion: boolean,
  yarnBerry: boolean,
): PackageManager {
  const locked = lockfile !== null
  switch (name) {
    case 'pnpm':
      return {
        name,
        lockfile,
        // With the packageManager field, action-setup reads the version there and fails if given another.
        beforeNode: [{ uses: 'pnpm/action-setup@v4', ...(declaresVersion ? {} : { with: { version: PNPM_VERSION } }) }],
        afterNode: [],
        cache: locked ? 'pnpm' : null,
        install: locked ? 'pnpm install --frozen-lockfile' : 'pnpm install',
        exec: 'pnpm exec',
      }
    case 'yarn':
      // Yarn 2+ comes through the corepack of setup-node's Node; setup-node's yarn cache would ask the
      // runner's Yarn 1 where it caches, before corepack is on.
      return {
        name,
        lockfile,
        beforeNode: [],
        afterNode: yarnBerry ? [{ run: 'corepack enable' }] : [],
        cache: locked && !yarnBerry ? 'yarn' : null,
        install: yarnBerry ? 'yarn install --immutable' : locked ? 'yarn install --frozen-lockfile' : 'yarn install',
        exec: 'yarn',
      }
    case 'bun':
      return {
        name,
        lockfile,
        beforeNode: [{ uses: 'oven-sh/setup-bun@v2' }],
        afterNode: [],
        cache: null,
        install: locked ? 'bun install --frozen-lockfile' : 'bun install',
        exec: 'bunx',
      }
    default:
      return {
        name,
        lockfile,
        beforeNode: [],
        afterNode: [],
        cache: locked ? 'npm' : null,
        install: locked ? 'npm ci' : 'npm install',
        exec: 'npx',
      }
  }
}
