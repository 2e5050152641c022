import type { IsolationName } from '../core/isolation-names.ts'
import type { Progress } from '../core/progress.ts'
import type { Isolation } from './create-isolation.ts'
import { createDatabasePool } from './database/database-pool.ts'
import { databaseStrategy } from './database/database-strategy.ts'
import type { OpenConnectionsPolicy } from './database/drop-queue.ts'
import type { IsolationStrategy } from './isolated-database.ts'
import type { Template } from './templates/ensure-template.ts'
import { WorkerDatabase, type WorkerStrategyName } from './worker/worker-database.ts'

/** What a strategy is made from: the server, the built template, and the options of `createIsolation()`. */
export interface StrategyInputs {
  adminUrl: string
  template: Template
  leakCheck: boolean
  keepOnFailure?: boolean
  openConnections?: OpenConnectionsPolicy
  openConnectionsTimeout?: number
  poolSize?: number
  beforeReplace?: (url: string) => Promise<void>
  /** Undefined: the strategy's own default (the clone pool prints a kept database's psql line). */
  progress?: Progress
  /** Never undefined: for steps that print nothing unless asked. */
  quietProgress: Progress
}

/**
 * How each strategy is made, by name: the one place that maps a name in `ISOLATION_NAMES` to its
 * behaviour. The `Record` type fails the build when a name has no entry.
 */
export const ISOLATION_STRATEGIES: Record<IsolationName, (inputs: StrategyInputs) => Promise<Isolation>> = {
  transaction: (inputs) => workerIsolation('transaction', inputs),
  database: databaseIsolation,
  reset: (inputs) => workerIsolation('reset', inputs),
}

async function databaseIsolation(inputs: StrategyInputs): Promise<Isolation> {
  const inner = await databaseStrategy(inputs.adminUrl, inputs.template, {
    size: inputs.poolSize,
    keepOnFailure: inputs.keepOnFailure,
    openConnections: inputs.openConnections,
    openConnectionsTimeout: inputs.openConnectionsTimeout,
    progress: inputs.progress,
  })
  return wrap(inner, inputs.template)
}

// `transaction` and `reset` work in a database cloned for this caller alone, with one clone kept
// ready: the next `reset` lane, or the replacement of a database something leaked into.
async function workerIsolation(strategy: WorkerStrategyName, inputs: StrategyInputs): Promise<Isolation> {
  const clones = await createDatabasePool(inputs.adminUrl, inputs.template, {
    size: 1,
    openConnections: inputs.openConnections,
    openConnectionsTimeout: inputs.openConnectionsTimeout,
    progress: inputs.quietProgress,
  })
  try {
    const worker = await WorkerDatabase.open(clones, strategy, inputs.leakCheck, inputs.beforeReplace)
    const close = () => worker.close()
    return {
      strategy: worker.strategyName,
      template: inputs.template,
      begin: (begin) => worker.begin(begin),
      rollback: (database, outcome) => worker.rollback(database, outcome?.testName ?? 'the test'),
      betweenTestsUrl: () => worker.nextUrl(),
      close,
      [Symbol.asyncDispose]: close,
    }
  } catch (error) {
    await clones.close()
    throw error
  }
}

function wrap(inner: IsolationStrategy, template: Template): Isolation {
  const close = () => inner.close()
  return {
    strategy: inner.name,
    template,
    begin: () => inner.begin(),
    rollback: (database, outcome) =>
      inner.rollback(database, { failed: outcome?.failed ?? false, testName: outcome?.testName }),
    betweenTestsUrl: async () => undefined,
    close,
    [Symbol.asyncDispose]: close,
  }
}
