/** A GitHub Actions step, as the workflow file spells it. */
export type CiStep = Record<string, unknown>

/**
 * What a service kind needs on a GitHub-hosted ubuntu runner, per provider: `testbed ci github`
 * writes the workflow from it. A kind without one gets `TESTBED_CI_UNSUPPORTED_SERVICE`.
 * @example
 * const ci: CiRecipe = {
 *   defaultProvider: 'local',
 *   local: { aptPackages: ['redis-server'] },
 *   serviceContainer: { image: 'redis:7-alpine', port: 6379, healthCmd: 'redis-cli ping', url: (port) => `redis://localhost:${port}` },
 * }
 */
export interface CiRecipe {
  /** The provider testbed resolves to on a runner when the config forces none. */
  defaultProvider: string
  /** Providers whose server comes with the npm install and needs nothing on the runner (`embedded`). */
  fromNpm?: readonly string[]
  /** What the `local` provider needs on the runner: Debian packages, or setup steps of their own. */
  local?: { aptPackages?: readonly string[]; steps?: readonly CiStep[]; summary?: string }
  /**
   * `external` as a GitHub service container. GitHub runs the image's own command there (a service
   * container takes no command), so a kind whose image needs one has none.
   */
  serviceContainer?: {
    image: string
    port: number
    env?: Record<string, string>
    healthCmd: string
    url(port: number): string
  }
  /** testbed's cache (initdb output, template snapshots) speeds up its local and npm providers. */
  cachesData?: boolean
}
