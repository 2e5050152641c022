import { hostname } from 'node:os'
import { basename, dirname } from 'node:path'
import type { Run } from '../../core/run-registry.ts'

/**
 * Labels on every container testbed starts. They name the run, so a container whose run is gone
 * (SIGKILLed before it recorded the container) is found and removed by the next start, with no
 * reaper container; the runs dir and host keep one engine shared by several accounts, state dirs
 * or machines from removing each other's containers.
 */
export const LABEL = {
  run: 'dev.testbed.run',
  runsDir: 'dev.testbed.runs-dir',
  host: 'dev.testbed.host',
  service: 'dev.testbed.service',
} as const

export function containerLabels(run: Run, serviceName: string): Record<string, string> {
  return {
    [LABEL.run]: basename(run.dir),
    [LABEL.runsDir]: dirname(run.dir),
    [LABEL.host]: hostname(),
    [LABEL.service]: serviceName,
  }
}

/** The label filter of the containers this machine's runs dir owns. */
export function ownLabelFilter(runsDir: string): string[] {
  return [`${LABEL.runsDir}=${runsDir}`, `${LABEL.host}=${hostname()}`]
}
