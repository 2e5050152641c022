import {
  assertKnownKeys,
  assertOneOf,
  assertPort,
  assertPositiveNumber,
  assertString,
  invalidOption,
} from '../../core/options.ts'
import type { CommonServiceOptions } from '../service-definition.ts'

/** Options of `redis()`. */
export interface RedisOptions extends CommonServiceOptions {
  /**
   * The port a server testbed starts listens on.
   * @default a free port the kernel picks
   */
  port?: number
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

const WHERE = 'redis()'
// The providers this kind has today; `docker` is a provider name other kinds may use later.
export const PROVIDERS = ['external', 'local'] as const
const KNOWN = ['provider', 'port', 'settings', 'startTimeout', 'url']

export function validateRedisOptions(options: RedisOptions): void {
  assertKnownKeys(WHERE, options, KNOWN)
  assertOneOf(WHERE, 'provider', options.provider, PROVIDERS)
  assertPort(WHERE, 'port', options.port)
  assertPositiveNumber(WHERE, 'startTimeout', options.startTimeout)
  assertString(WHERE, 'url', options.url)
  const settings = options.settings
  if (settings !== undefined && (typeof settings !== 'object' || settings === null || Array.isArray(settings))) {
    throw invalidOption(WHERE, 'settings', 'an object of setting names to values', settings)
  }
}
