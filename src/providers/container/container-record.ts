import type { Run } from '../../core/run-registry.ts'
import type { ContainerHandle } from '../../core/service-handle.ts'
import type { DockerEngine } from './docker-client.ts'

/** What the run knows of a containerised service; before it answers, its URL is not known yet. */
export interface ContainerFacts {
  name: string
  kind: string
  url?: string
  version?: string
}

/**
 * Records the container in the run, through the one stop path of runs (service-handle.ts): from
 * here on, the owner's exit, its watchdog after a SIGKILL, the next run's reaper and
 * `testbed services down` remove it.
 */
export function recordContainer(run: Run, engine: DockerEngine, id: string, facts: ContainerFacts): ContainerHandle {
  const handle: ContainerHandle = { type: 'container', runtime: engine.runtime, id }
  const { name, kind, url = '', version = 'starting' } = facts
  run.addService({ name, kind, provider: 'docker', url, version, handle })
  return handle
}
