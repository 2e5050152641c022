export { ISOLATION_NAMES } from '../core/isolation-names.ts'
export type { Isolation, IsolationOptions } from '../isolation/create-isolation.ts'
export { createIsolation } from '../isolation/create-isolation.ts'
export type { DatabaseLease, DatabasePool, DatabasePoolOptions } from '../isolation/database/database-pool.ts'
export { createDatabasePool } from '../isolation/database/database-pool.ts'
export type { DatabaseStrategy, DatabaseStrategyOptions } from '../isolation/database/database-strategy.ts'
export { databaseStrategy } from '../isolation/database/database-strategy.ts'
export type {
  IsolatedDatabase,
  IsolationName,
  IsolationStrategy,
  PoolLike,
} from '../isolation/isolated-database.ts'
export { resetStrategy } from '../isolation/reset/reset-strategy.ts'
export type { EnsureTemplateOptions, Template } from '../isolation/templates/ensure-template.ts'
export { ensureTemplate } from '../isolation/templates/ensure-template.ts'
export { hashDirectory, templateSnapshotKey } from '../isolation/templates/template-hash.ts'
export type { TemplateSource } from '../isolation/templates/template-source.ts'
export { transactionStrategy } from '../isolation/transaction/transaction-strategy.ts'
export type { PostgresOptions } from '../services/postgres/postgres-options.ts'
export { postgres } from '../services/postgres/postgres-service.ts'
