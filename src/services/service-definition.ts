import type { ServiceDeclaration } from '../core/config.ts'
import { type EnvVariable, kindVariable, readEnv, serviceUrlVariable } from '../core/env.ts'
import type { Provider, ProviderName } from '../providers/provider.ts'

/** Options every service kind accepts. */
export interface CommonServiceOptions {
  /**
   * Use this provider only, instead of the first available one.
   * The environment variable `TESTBED_<KIND>_PROVIDER` does the same without editing the config.
   * @default the first available, in the kind's resolution order
   */
  provider?: ProviderName
  /**
   * How long a server testbed starts may take to answer its first query, in milliseconds.
   * @default 30000
   */
  startTimeout?: number
}

/** A service kind's declaration with the behaviour to start it: what `postgres()` and `redis()` return. */
export interface ServiceDefinition<Options extends CommonServiceOptions = CommonServiceOptions>
  extends ServiceDeclaration {
  readonly kind: string
  /** For messages: `PostgreSQL`, `Redis`. */
  readonly label: string
  readonly options: Options
  /** The providers that can serve it, in resolution order. */
  providers(serviceName: string): Provider[]
  /** The environment variables of its own it reads (docs/environment.md lists them). */
  readonly variables?: readonly EnvVariable[]
}

export function isServiceDefinition(value: unknown): value is ServiceDefinition {
  return typeof value === 'object' && value !== null && typeof (value as ServiceDefinition).providers === 'function'
}

/** The URL of an external server for this service, if the user gave one: option, then `TESTBED_<NAME>_URL`, then `TESTBED_<KIND>_URL`. */
export function externalUrl(
  kind: string,
  serviceName: string,
  optionUrl: string | undefined,
): { url: string; from: string } | null {
  if (optionUrl) return { url: optionUrl, from: 'the `url` option' }
  for (const variable of [serviceUrlVariable(serviceName), kindVariable(kind, 'URL')]) {
    const value = readEnv(variable)
    if (value) return { url: value, from: variable.name }
  }
  return null
}
