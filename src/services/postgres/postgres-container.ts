import {
  CONTAINER_FILES_DIR,
  type ContainerRecipe,
  type ServerShape,
  type Settings,
} from '../../providers/container/container-recipe.ts'
import { SUPERUSER } from './initdb-cache.ts'
import { probePostgres } from './postgres-probe.ts'
import { DURABILITY_OFF, settingArgs } from './postgres-settings.ts'

const PASSWORD_FILE = 'testbed-postgres-password'

// Durability off unless `durable: true`, as for a server testbed starts from binaries.
function command(settings: Settings, { durable }: ServerShape): string[] {
  return ['postgres', ...settingArgs({ ...(durable ? {} : DURABILITY_OFF), ...settings })]
}

/**
 * PostgreSQL in a container: the official image's interface (POSTGRES_PASSWORD_FILE, `postgres -c …`),
 * the major version the embedded provider serves, durability off.
 */
export const POSTGRES_CONTAINER: ContainerRecipe = {
  label: 'PostgreSQL',
  kind: 'postgres',
  defaultImage: 'postgres:18',
  port: 5432,
  launch: (secret, settings, server) => ({
    env: { POSTGRES_USER: SUPERUSER, POSTGRES_PASSWORD_FILE: `${CONTAINER_FILES_DIR}/${PASSWORD_FILE}` },
    command: command(settings, server),
    files: { [PASSWORD_FILE]: secret },
  }),
  compose: (password, settings, server) => ({
    env: { POSTGRES_USER: SUPERUSER, POSTGRES_PASSWORD: password },
    command: command(settings, server),
  }),
  url: (hostPort, secret) => `postgresql://${SUPERUSER}:${encodeURIComponent(secret)}@127.0.0.1:${hostPort}/postgres`,
  probe: (url) => probePostgres(url, 1000),
  dataDirs: (image) => [officialDataVolume(image)],
  // Over TCP: the official image's first-start server listens on its socket only, so this waits for the real one.
  healthcheck: () => ['CMD', 'pg_isready', '--host=127.0.0.1', `--username=${SUPERUSER}`, '--dbname=postgres'],
}

// The official image declares its volume at /var/lib/postgresql from 18 on (the cluster in 18/docker
// below it), at /var/lib/postgresql/data before. A tag without a major (latest, alpine) is 18 or later.
function officialDataVolume(image: string): string {
  const major = /:(\d+)/.exec(image)?.[1]
  return major !== undefined && Number(major) < 18 ? '/var/lib/postgresql/data' : '/var/lib/postgresql'
}
