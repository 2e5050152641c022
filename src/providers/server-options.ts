import {
  assertBoolean,
  assertKnownKeys,
  assertOneOf,
  assertPort,
  assertPositiveNumber,
  assertString,
  invalidOption,
} from '../core/options.ts'

/** Options every service kind accepts, whichever provider serves it. `Provider`: the kind's provider names. */
export interface ServerOptions<Provider extends string = string> {
  /**
   * Use this provider only, instead of the first available one.
   * The environment variable `TESTBED_<KIND>_PROVIDER` does the same without editing the config.
   * @default the first available, in the kind's resolution order
   */
  provider?: Provider
  /**
   * The port a server testbed starts listens on.
   * @default a free port the kernel picks
   */
  port?: number
  /**
   * Server settings, on top of testbed's.
   * @default {}
   */
  settings?: Record<string, string | number | boolean>
  /**
   * Keep the server's own durability settings instead of testbed's fast ones. testbed starts
   * PostgreSQL with `fsync`, `synchronous_commit` and `full_page_writes` off and Redis without
   * persistence, as a test server's data is thrown away; commits then cost less than in production.
   * Turn this on to match production timing, for a suite whose tests depend on it. Ignored for a
   * server testbed does not start (`url`, `external`).
   * @default false
   */
  durable?: boolean
  /**
   * How long a server testbed starts may take to answer its first query, in milliseconds.
   * @default 30000
   */
  startTimeout?: number
  /**
   * The URL of a server to use instead of starting one; `TESTBED_<KIND>_URL` does the same.
   * @default undefined
   */
  url?: string
  /**
   * The image the `docker` provider runs; `TESTBED_<KIND>_IMAGE` does the same. It must have the
   * official image's interface (its environment variables and command).
   * @example 'postgres:17-alpine'
   * @default the official image of the major version the other providers serve (`postgres:18`, `redis:7`)
   */
  image?: string
}

const SERVER_OPTIONS = ['provider', 'port', 'settings', 'durable', 'startTimeout', 'url', 'image']

/**
 * Checks the options of a kind's function (`where`: `postgres()`) when the config declares it:
 * those of every kind, against the kind's `providers`; `more` names the kind's own, which it checks itself.
 */
export function validateServerOptions(
  where: string,
  options: ServerOptions,
  providers: readonly string[],
  more: readonly string[] = [],
): void {
  assertKnownKeys(where, options, [...SERVER_OPTIONS, ...more])
  assertOneOf(where, 'provider', options.provider, providers)
  assertPort(where, 'port', options.port)
  assertBoolean(where, 'durable', options.durable)
  assertPositiveNumber(where, 'startTimeout', options.startTimeout)
  assertString(where, 'url', options.url)
  assertString(where, 'image', options.image)
  const settings = options.settings
  if (settings !== undefined && (typeof settings !== 'object' || settings === null || Array.isArray(settings))) {
    throw invalidOption(where, 'settings', 'an object of setting names to values', settings)
  }
}
