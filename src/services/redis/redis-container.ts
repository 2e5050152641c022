import { CONTAINER_FILES_DIR, type ContainerRecipe, type Settings } from '../../providers/container/container-recipe.ts'
import { redisConfig, settingArgs, TEST_SETTINGS } from './redis-config.ts'
import { probeRedis } from './redis-probe.ts'

const CONFIG_FILE = 'testbed-redis.conf'

// The password comes from the config file (or compose's command line); one in `settings` wins, as for the local provider.
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
  launch: (secret, settings) => ({
    env: {},
    command: ['redis-server', `${CONTAINER_FILES_DIR}/${CONFIG_FILE}`, ...settingArgs(withoutPassword(settings))],
    files: { [CONFIG_FILE]: redisConfig([], String(settings.requirepass ?? secret)) },
  }),
  compose: (password, settings) => ({
    env: {},
    command: [
      'redis-server',
      ...TEST_SETTINGS.flatMap(([name, value]) => [`--${name}`, value]),
      '--requirepass',
      password,
      ...settingArgs(withoutPassword(settings)),
    ],
  }),
  url: (hostPort, secret, settings) =>
    `redis://default:${encodeURIComponent(String(settings.requirepass ?? secret))}@127.0.0.1:${hostPort}`,
  probe: (url) => probeRedis(url, 1000),
  // redis-cli exits 0 on an error reply too (NOAUTH): the reply itself must be PONG.
  healthcheck: (password) => ['CMD-SHELL', `redis-cli --no-auth-warning -a '${password}' ping | grep -q PONG`],
}
