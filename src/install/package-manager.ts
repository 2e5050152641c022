import type { Machine } from './machine.ts'

/** One command `testbed install` runs (or prints). */
export interface Command {
  argv: string[]
  env?: Record<string, string>
}

/** A system package manager testbed can drive: apt-get on Debian and Ubuntu, Homebrew on macOS. */
export interface PackageManager {
  /** `apt-get`, `Homebrew`. */
  name: string
  /** Which field of a recipe lists its packages. */
  key: 'apt' | 'brew'
  /** Why it cannot run here (not root and no sudo), or null. */
  blocked: string | null
  /** The commands that install `packages`, in order. */
  commands(packages: readonly string[]): Command[]
}

const APT_ENV = { DEBIAN_FRONTEND: 'noninteractive' }

/** The package manager of this machine that testbed knows how to drive, or null. */
export function packageManagerFor(machine: Machine): PackageManager | null {
  const debianLike = machine.distro?.ids.some((id) => id === 'debian' || id === 'ubuntu') ?? false
  if (machine.platform === 'linux' && debianLike && machine.has('apt-get')) return aptGet(machine)
  if (machine.platform === 'darwin' && machine.has('brew')) return homebrew(machine)
  return null
}

function aptGet(machine: Machine): PackageManager {
  const sudo = !machine.root && machine.has('sudo')
  const blocked =
    machine.root || sudo ? null : 'installing Debian packages needs root, and this is not root and has no sudo'
  // The package lists may be missing (a fresh container) or stale (a package moved on): always update first.
  const asRoot = (argv: string[], env?: Record<string, string>): Command =>
    sudo ? { argv: ['sudo', ...envArgs(env), ...argv] } : { argv, ...(env && { env }) }
  return {
    name: 'apt-get',
    key: 'apt',
    blocked,
    commands: (packages) => [
      asRoot(['apt-get', 'update']),
      asRoot(['apt-get', 'install', '-y', '--no-install-recommends', ...packages], APT_ENV),
    ],
  }
}

function homebrew(machine: Machine): PackageManager {
  return {
    name: 'Homebrew',
    key: 'brew',
    blocked: machine.root ? 'Homebrew refuses to run as root: run testbed install as your own user' : null,
    commands: (packages) => [{ argv: ['brew', 'install', ...packages] }],
  }
}

function envArgs(env: Record<string, string> | undefined): string[] {
  return Object.entries(env ?? {}).map(([name, value]) => `${name}=${value}`)
}

/** The command as a shell line: `DEBIAN_FRONTEND=noninteractive apt-get install -y redis-server`. */
export function formatCommand(command: Command): string {
  return [...envArgs(command.env), ...command.argv].map(shellWord).join(' ')
}

function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`
}
