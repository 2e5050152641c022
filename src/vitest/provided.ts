import type { IsolationSetting, UnhandledHttpSetting } from '../core/config.ts'
import type { TestedService } from '../services/service-testing.ts'
import type { TestbedSettings } from './settings.ts'

/** A running service, as workers see it. */
export type ServiceInfo = TestedService

/** What the global setup hands to the workers. */
export interface ProvidedRun {
  services: Record<string, ServiceInfo>
  /** Why no service runs, when none does. */
  reason: string | null
  /** Services this machine cannot provide (Redis without redis-server), by name: tests using them are skipped. */
  unavailable?: Record<string, string>
  /** Per fixture name (`db`, `redis`), the service it binds to: the first in the config that offers it. */
  fixtures?: Record<string, string>
}

export const SETTINGS_KEY = 'testbed:settings'
export const RUN_KEY = 'testbed:run'
export const TAG_KEY = 'testbed:tag'

declare module 'vitest' {
  interface ProvidedContext {
    'testbed:settings': TestbedSettings
    'testbed:run': ProvidedRun
    /** The tag every test of the project gets: `unit` or `integration`. */
    'testbed:tag': string
    /** The default of the `isolation` fixture (testbed.config.ts `isolation`). */
    isolation: IsolationSetting
    /** The default of the `leakCheck` fixture (testbed.config.ts `leakCheck`). */
    leakCheck: boolean
    /** The default of the `unhandledHttp` fixture (testbed.config.ts `unhandledHttp`). */
    unhandledHttp: UnhandledHttpSetting
  }
  interface TaskMeta {
    /** Picks the isolation strategy of this test's `db`: `test('…', { meta: { isolation: 'database' } }, …)`. */
    isolation?: IsolationSetting
    /** Turns the leak check on or off for this test's `db`: `test('…', { meta: { leakCheck: false } }, …)`. */
    leakCheck?: boolean
    /**
     * What happens to this integration test's outbound traffic no http mock answers:
     * `test('…', { meta: { unhandledHttp: 'bypass' } }, …)`; on a describe block, for its tests.
     */
    unhandledHttp?: UnhandledHttpSetting
  }
}
