import type pg from 'pg'
import { TestbedError } from '../../core/errors.ts'
import { assertBoolean, assertOneOf, assertPositiveNumber } from '../../core/options.ts'
import { advisoryLockKey } from '../templates/advisory-lock-key.ts'
import type { Template } from '../templates/ensure-template.ts'
import { findTemplate, shortHash } from '../templates/template-catalog.ts'
import { assertPositiveInteger, validateTemplateOptions } from '../templates/validate-template-options.ts'
import { CLONE_STRATEGY_OPTIONS } from './clone-strategy.ts'
import type { DatabasePoolOptions } from './database-pool.ts'
import { OPEN_CONNECTIONS_POLICIES } from './drop-queue.ts'

// What createDatabasePool() checks before it makes its first clone.

export const WHERE = 'createDatabasePool()'

type TemplateRef = Pick<Template, 'name' | 'hash'>

export function validatePoolOptions(options: DatabasePoolOptions): void {
  const known = [
    'size',
    'strategy',
    'keepOnFailure',
    'maxPendingDrops',
    'pendingDropTimeout',
    'openConnections',
    'openConnectionsTimeout',
    'progress',
  ]
  validateTemplateOptions(WHERE, options, known)
  assertOneOf(WHERE, 'strategy', options.strategy, CLONE_STRATEGY_OPTIONS)
  assertOneOf(WHERE, 'openConnections', options.openConnections, OPEN_CONNECTIONS_POLICIES)
  assertPositiveNumber(WHERE, 'openConnectionsTimeout', options.openConnectionsTimeout)
  assertPositiveInteger(WHERE, 'maxPendingDrops', options.maxPendingDrops)
  assertPositiveNumber(WHERE, 'pendingDropTimeout', options.pendingDropTimeout)
  assertBoolean(WHERE, 'keepOnFailure', options.keepOnFailure)
}

/** A shared lock on the template keeps garbage collection from dropping it while this pool clones it. */
export async function holdTemplate(control: pg.Client, template: TemplateRef): Promise<void> {
  await control.query('SELECT pg_advisory_lock_shared($1)', [advisoryLockKey('template', shortHash(template.hash))])
  if ((await findTemplate(control, template.name)) !== null) return
  throw new TestbedError('TESTBED_ISOLATION_TEMPLATE_MISSING', {
    what: `${WHERE} found no template`,
    subject: template.name,
    why: 'It was dropped after ensureTemplate() returned it, or it was never built on this server',
    fix: 'Call ensureTemplate() on the same server right before creating the pool',
  })
}
