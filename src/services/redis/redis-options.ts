import { type ServerOptions, validateServerOptions } from '../../providers/server-options.ts'

/** The providers of `redis()`, in resolution order: what its `provider` option accepts. */
export const REDIS_PROVIDERS = ['external', 'local', 'docker'] as const

/** Options of `redis()`. */
export interface RedisOptions extends ServerOptions<(typeof REDIS_PROVIDERS)[number]> {
  /**
   * Server settings passed as `--name value`.
   * @example { maxmemory: '64mb' }
   * @default {}
   */
  settings?: Record<string, string | number>
  /**
   * The URL of a server to use instead of starting one; `TESTBED_REDIS_URL` does the same.
   * @default undefined
   */
  url?: string
}

export function validateRedisOptions(options: RedisOptions): void {
  validateServerOptions('redis()', options, REDIS_PROVIDERS)
}
