export {
  defineConfig,
  type IntegrationTestsSetting,
  type ServiceDeclaration,
  type TestbedConfig,
} from '../core/config.ts'
export { TestbedError } from '../core/errors.ts'
export type { ServiceRecord } from '../core/run-registry.ts'
export type { ProviderName } from '../providers/provider.ts'
export type { ServerDeath } from '../providers/server-watch.ts'
export type { CiRecipe, CiStep } from '../services/ci-recipe.ts'
export type { FirestoreOptions } from '../services/firestore/firestore-options.ts'
export { firestore } from '../services/firestore/firestore-service.ts'
export type { InstallRecipe, InstallRecipes } from '../services/install-recipe.ts'
export type { PostgresOptions } from '../services/postgres/postgres-options.ts'
export { postgres } from '../services/postgres/postgres-service.ts'
export type { RedisOptions } from '../services/redis/redis-options.ts'
export { redis } from '../services/redis/redis-service.ts'
export type { ServiceDefinition } from '../services/service-definition.ts'
export { type ServiceSet, type StartServicesOptions, startServices } from '../services/service-set.ts'
