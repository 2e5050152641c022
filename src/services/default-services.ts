import type { ServiceDeclaration, TestbedConfig } from '../core/config.ts'
import { postgres } from './postgres/postgres-service.ts'
import { redis } from './redis/redis-service.ts'

/** The services of a config; a project without `testbed.config.ts` gets PostgreSQL and Redis. */
export function configuredServices(config: TestbedConfig): Record<string, ServiceDeclaration> {
  return config.services ?? { postgres: postgres(), redis: redis() }
}
