import type { CiRecipe } from '../ci-recipe.ts'
import type { InstallRecipes } from '../install-recipe.ts'
import { REDIS_SERVER } from './redis-binaries.ts'

// On a runner: Debian's redis-server; `external` the official image, which needs no password there.
export const REDIS_CI: CiRecipe = {
  defaultProvider: 'local',
  local: { aptPackages: ['redis-server'] },
  serviceContainer: {
    image: 'redis:7-alpine',
    port: 6379,
    healthCmd: 'redis-cli ping',
    url: (port) => `redis://localhost:${port}`,
  },
}

/** What `testbed install` gets for the `local` provider: the system's redis-server. */
export const REDIS_INSTALL: InstallRecipes = {
  local: () => ({
    what: 'redis-server',
    apt: ['redis-server'],
    brew: ['redis'],
    override: REDIS_SERVER,
    manual:
      'install Redis 6 or later (or Valkey) with the system package manager — `dnf install redis`, `apk add redis`, `pacman -S redis` — or set TESTBED_REDIS_URL to a running server',
  }),
}
