import type { Progress } from '../core/progress.ts'
import type { Run } from '../core/run-registry.ts'
import type { ServiceHandle } from '../core/service-handle.ts'

/**
 * A provider's name: `external`, `embedded`, `local`, … Each kind lists the names it has (`PostgresOptions['provider']`).
 * @deprecated Use the `provider` option type of the kind: `PostgresOptions['provider']`, `RedisOptions['provider']`.
 */
export type ProviderName = string

/** Whether a provider can serve on this machine, and if not, how to make it. */
export type Detection =
  | { available: true; version: string; detail: string }
  | { available: false; reason: string; fix: string }

export interface StartContext {
  serviceName: string
  run: Run
  progress: Progress
  /** Start from the snapshot saved under this key, when there is one (PostgreSQL templates). */
  snapshotKey?: string
}

/** A service that answers queries, started (or found) by a provider. */
export interface StartedService {
  url: string
  version: string
  /** What to stop: the process or container testbed started; null when it started none (external URLs). */
  handle: ServiceHandle | null
}

/** One way of getting a service: an external URL, npm-shipped binaries, local binaries, docker. */
export interface Provider {
  /** How the `provider` option and `testbed doctor` name it: `external`, `embedded`, `local`. */
  readonly name: string
  detect(): Promise<Detection>
  start(context: StartContext): Promise<StartedService>
}
