import type { TaskMeta } from 'vitest'
import type { OutboundCall } from '../http/outbound-log.ts'

/** What a worker attaches to a test (through Vitest's task meta) for the run report. */
export interface TestReportMeta {
  /** Vitest's pool id of the worker that ran it: the report's timeline has a lane per worker. */
  worker?: string
  /** The outbound HTTP requests it sent, in order. */
  http?: OutboundCall[]
  /** The `psql` URL (password hidden) of its database, kept because it failed under `keepOnFailure`. */
  keptDatabase?: string
}

declare module 'vitest' {
  interface TaskMeta {
    /** Filled by testbed for its run report. */
    testbedReport?: TestReportMeta
  }
}

/** The test's report data, created on first use. */
export function reportMetaOf(meta: TaskMeta): TestReportMeta {
  meta.testbedReport ??= {}
  return meta.testbedReport
}
