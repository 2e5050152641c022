import { readEnv } from '../../core/env.ts'
import { siblingFile } from '../../core/sibling-file.ts'
import { binaryProvider } from '../../providers/binary-provider.ts'
import { dockerProvider } from '../../providers/container/docker-provider.ts'
import type { Provider } from '../../providers/provider.ts'
import { configuredImage, kindExternalProvider, type ServiceDefinition } from '../service-definition.ts'
import { findRedisServer, REDIS_SERVER } from './redis-binaries.ts'
import { REDIS_CONTAINER } from './redis-container.ts'
import { type RedisOptions, validateRedisOptions } from './redis-options.ts'
import { probeRedis } from './redis-probe.ts'
import { REDIS_CI, REDIS_INSTALL } from './redis-recipes.ts'
import { startRedisServer } from './redis-server.ts'

/**
 * Declares a Redis service. testbed uses `TESTBED_REDIS_URL` when set, otherwise starts a private
 * `redis-server` (or `valkey-server`) found on the machine.
 * @example
 * export default defineConfig({ services: { cache: redis() } })
 */
export function redis(options: RedisOptions = {}): ServiceDefinition<RedisOptions> {
  validateRedisOptions(options)
  return {
    kind: 'redis',
    label: 'Redis',
    options,
    container: REDIS_CONTAINER,
    ci: REDIS_CI,
    install: REDIS_INSTALL,
    variables: [REDIS_SERVER],
    // A suite runs without Redis: its tests are skipped on a machine without redis-server.
    optional: {
      hint: 'Install redis-server (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis), or set TESTBED_REDIS_URL to a running server',
    },
    testing: { module: siblingFile(import.meta.url, './redis-testing'), fixture: 'redis' },
    providers: (serviceName) => [
      kindExternalProvider({
        kind: 'redis',
        label: 'Redis',
        serviceName,
        optionUrl: options.url,
        probe: (url) => probeRedis(url),
      }),
      localProvider(options),
      dockerProvider(REDIS_CONTAINER, { ...options, image: configuredImage('redis', options.image) }),
    ],
  }
}

function localProvider(options: RedisOptions): Provider {
  return binaryProvider({
    name: 'local',
    label: 'Redis',
    find: findRedisServer,
    describe: (found) => ({ version: found.version, detail: `${found.flavor} ${found.version} at ${found.path}` }),
    missing: () => ({
      reason: readEnv(REDIS_SERVER)
        ? `${REDIS_SERVER.name} names ${readEnv(REDIS_SERVER)}, which is not a working redis-server`
        : 'no redis-server or valkey-server on PATH',
      fix: 'install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis)',
    }),
    start: (found, context) => startRedisServer(found, options, context),
  })
}
