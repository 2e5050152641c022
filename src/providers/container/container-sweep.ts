import { join } from 'node:path'
import { Run, runsDir } from '../../core/run-registry.ts'
import { LABEL, ownLabelFilter } from './container-labels.ts'
import { connectEngine, type DockerEngine, loadDockerode } from './docker-client.ts'

/**
 * Removes the containers of runs that are over: their run dir is gone or their owner died. The
 * records cover started containers (the watchdog and the reaper remove those); this covers one
 * created by a run killed before it could record it. Returns the ids it removed.
 */
export async function removeOrphanContainers(engine: DockerEngine): Promise<string[]> {
  const runs = runsDir()
  const containers = await engine.client.listContainers({ all: true, filters: { label: ownLabelFilter(runs) } })
  const orphans = containers.filter((container) => !runIsLive(runs, container.Labels[LABEL.run]))
  await Promise.all(orphans.map((container) => removeContainer(engine, container.Id)))
  return orphans.map((container) => container.Id)
}

function runIsLive(runs: string, runId: string | undefined): boolean {
  if (!runId || runId.includes('/')) return false
  return Run.read(join(runs, runId))?.isLive() ?? false
}

/** Removes a container and its anonymous volumes; one already gone is removed. */
export async function removeContainer(engine: DockerEngine, id: string): Promise<void> {
  await engine.client
    .getContainer(id)
    .remove({ force: true, v: true })
    .catch(() => {})
}

/**
 * The same, for commands that clean up (`testbed services down`) without knowing whether a
 * container engine is in use: nothing when dockerode is not installed or no engine answers.
 */
export async function sweepOrphanContainers(): Promise<string[]> {
  const Docker = await loadDockerode()
  if (!Docker) return []
  const engine = await connectEngine(Docker).catch(() => null)
  return engine ? removeOrphanContainers(engine) : []
}
