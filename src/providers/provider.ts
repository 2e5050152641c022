import type { ProcessIdentity } from '../core/process-identity.ts'
import type { Progress } from '../core/progress.ts'
import type { Run } from '../core/run-registry.ts'

export const PROVIDER_NAMES = ['external', 'embedded', 'local', 'docker'] as const
export type ProviderName = (typeof PROVIDER_NAMES)[number]

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
  /** Null when testbed did not start the process (external URLs). */
  process: ProcessIdentity | null
  stopSignal: NodeJS.Signals
}

/** One way of getting a service: an external URL, npm-shipped binaries, local binaries, docker. */
export interface Provider {
  readonly name: ProviderName
  detect(): Promise<Detection>
  start(context: StartContext): Promise<StartedService>
}
