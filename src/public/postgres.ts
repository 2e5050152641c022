export type { PostgresOptions } from '../services/postgres/postgres-options.ts'
export { postgres } from '../services/postgres/postgres-service.ts'
