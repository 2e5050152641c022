import { createHash } from 'node:crypto'

/** What a service kind's factory (`postgres()`, `redis()`) returns: plain data, so configs can be hashed and compared. */
export interface ServiceDeclaration {
  readonly kind: string
  readonly options: object
}

/** The contents of `testbed.config.ts`. */
export interface TestbedConfig {
  /**
   * The services a suite needs, by name. The name picks the environment variable that points at
   * the service (`db` → `TESTBED_DB_URL`); the first service of a kind also gets `TESTBED_<KIND>_URL`.
   * @default { postgres: postgres(), redis: redis() }
   */
  services?: Record<string, ServiceDeclaration>
}

/**
 * Declares testbed's configuration, with types.
 * @example
 * export default defineConfig({ services: { db: postgres(), cache: redis() } })
 */
export function defineConfig(config: TestbedConfig): TestbedConfig {
  return config
}

/** Identifies a set of service declarations, so a later run can tell whether running services match its config. */
export function hashServices(services: Record<string, ServiceDeclaration>): string {
  const canonical = Object.entries(services)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, service]) => [name, service.kind, service.options])
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex').slice(0, 16)
}
