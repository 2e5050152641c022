import { CONTAINER_FILES_DIR, type ContainerRecipe, type Settings } from '../../providers/container/container-recipe.ts'
import { redisConfig, settingArgs, testSettings } from './redis-config.ts'
import { probeRedis } from './redis-probe.ts'

const CONFIG_FILE = 'testbed-redis.conf'

// The password is the secret (the user's own `requirepass` when set): never a second one from `settings`.
function withoutPassword(settings: Settings): Settings {
  const { requirepass: _password, ...rest } = settings
  return rest
}

/** Redis in a container: the official image's interface (`redis-server <config> --name value`), no persistence. */
export const REDIS_CONTAINER: ContainerRecipe = {
  label: 'Redis',
  kind: 'redis',
  defaultImage: 'redis:7',
  port: 6379,
  launch: (secret, settings, { durable }) => ({
    env: {},
    command: ['redis-server', `${CONTAINER_FILES_DIR}/${CONFIG_FILE}`, ...settingArgs(withoutPassword(settings))],
    files: { [CONFIG_FILE]: redisConfig([], secret, { durable }) },
  }),
  compose: (password, settings, { durable }) => ({
    env: {},
    command: [
      'redis-server',
      ...testSettings({ durable }).flatMap(([name, value]) => [`--${name}`, value]),
      '--requirepass',
      password,
      ...settingArgs(withoutPassword(settings)),
    ],
  }),
  ownSecret: (settings) => (settings.requirepass === undefined ? undefined : String(settings.requirepass)),
  url: (hostPort, secret) => `redis://default:${encodeURIComponent(secret)}@127.0.0.1:${hostPort}`,
  probe: (url) => probeRedis(url, 1000),
  dataDirs: () => ['/data'],
  // redis-cli exits 0 on an error reply too (NOAUTH): the reply itself must be PONG.
  healthcheck: (password) => ['CMD-SHELL', `redis-cli --no-auth-warning -a '${password}' ping | grep -q PONG`],
}
