export type { RedisOptions } from '../services/redis/redis-options.ts'
export { redis } from '../services/redis/redis-service.ts'
