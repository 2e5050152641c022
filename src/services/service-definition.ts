import type { ServiceDeclaration } from '../core/config.ts'
import { type EnvVariable, kindVariable, readEnv, serviceUrlVariable } from '../core/env.ts'
import type { Run } from '../core/run-registry.ts'
import type { ContainerRecipe } from '../providers/container/container-recipe.ts'
import { type ExternalProviderOptions, externalProvider } from '../providers/external-provider.ts'
import type { Provider } from '../providers/provider.ts'
import type { ServerOptions } from '../providers/server-options.ts'
import type { CiRecipe } from './ci-recipe.ts'
import type { InstallRecipes } from './install-recipe.ts'
import type { ServiceTesting, TestingModule } from './service-testing.ts'

/** A service kind's declaration with the behaviour to start it: what `postgres()` and `redis()` return. */
export interface ServiceDefinition<Options extends ServerOptions = ServerOptions> extends ServiceDeclaration {
  readonly kind: string
  /** For messages: `PostgreSQL`, `Redis`. */
  readonly label: string
  readonly options: Options
  /** The providers that can serve it, in resolution order. */
  providers(serviceName: string): Provider[]
  /** The environment variables of its own it reads (docs/environment.md lists them). */
  readonly variables?: readonly EnvVariable[]
  /** How it runs in a container: the `docker` provider and `testbed compose` use it. */
  readonly container?: ContainerRecipe
  /** What it needs on a GitHub-hosted runner: `testbed ci github` uses it. */
  readonly ci?: CiRecipe
  /** What each provider needs on a machine, by provider name: `testbed install` uses it. */
  readonly install?: InstallRecipes
  /**
   * Set when a first start on a machine does work later starts reuse: `testbed install` then starts
   * the service once, so the first test run starts warm. Says what that work is, for its output.
   */
  readonly firstStart?: string
  /**
   * Set when a suite may run without it: on a machine that cannot provide it (and no provider is
   * forced), the tests that use it are skipped with a line ending in `hint`, instead of the run failing.
   */
  readonly optional?: { hint: string }
  /**
   * Variables it exports to clients besides `TESTBED_<NAME>_URL` (and `TESTBED_<KIND>_URL` for the
   * first of its kind): `FIRESTORE_EMULATOR_HOST` is `host:port`, not a URL.
   */
  exports?(service: { name: string; url: string }): Record<string, string>
  /**
   * Saves the running server's data under `key`, so a later start with that key begins from it
   * (`StartContext.snapshotKey`). False when it was not started by this process.
   */
  snapshot?(run: Run, serviceName: string, key: string): Promise<boolean>
  /** Its test-side behaviour: template building, the per-test fixture (see `ServiceTesting`). */
  readonly testing?: TestingModule
}

/** The module a kind's testing lives in, loaded on first use. */
export async function loadTesting(testing: TestingModule): Promise<ServiceTesting> {
  return (await import(testing.module)) as ServiceTesting
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

/**
 * A kind's `external` provider: a server reached by the `url` option, `TESTBED_<NAME>_URL` or
 * `TESTBED_<KIND>_URL` (or by `source`, for a kind with a variable of its own), retried for a few
 * seconds while it refuses connections (a CI service container still starting).
 */
export function kindExternalProvider(options: {
  kind: string
  label: string
  serviceName: string
  optionUrl: string | undefined
  probe: ExternalProviderOptions['probe']
  source?: ExternalProviderOptions['source']
  envName?: string
}): Provider {
  return externalProvider({
    label: options.label,
    source:
      options.source === undefined ? externalUrl(options.kind, options.serviceName, options.optionUrl) : options.source,
    envName: options.envName ?? kindVariable(options.kind, 'URL').name,
    probe: options.probe,
    waitMs: EXTERNAL_WAIT_MS,
  })
}

const EXTERNAL_WAIT_MS = 5000

/** The image the `docker` provider runs for a service of `kind`: the `image` option, then `TESTBED_<KIND>_IMAGE`. */
export function configuredImage(kind: string, optionImage: string | undefined): string | undefined {
  return optionImage ?? readEnv(kindVariable(kind, 'IMAGE'))
}
