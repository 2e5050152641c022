import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'
import type { ProcessIdentity } from '../../src/core/process-identity.ts'
import { listRuns, type Run, type ServiceRecord } from '../../src/core/run-registry.ts'
import { stopRun } from '../../src/services/service-set.ts'

const PUBLIC_INDEX = fileURLToPath(new URL('../../src/public/index.ts', import.meta.url))

/** A throwaway project folder; disposing it stops whatever runs testbed recorded for it, live or orphaned, and deletes it. */
export interface TestProject extends AsyncDisposable {
  /** The folder as the CLI sees it (symlinks resolved), so it equals the run records' `projectDir`. */
  dir: string
  /** The runs testbed recorded for this project. */
  runs(): Run[]
  /** The one run recorded for this project; fails the test if there is none or several. */
  run(): Run
}

/**
 * A project in a temp dir. With `services` (source text such as `{ db: postgres() }`), it gets a
 * `testbed.config.ts` importing `defineConfig`, `postgres` and `redis` from testbed's sources.
 * It is disposed rather than removed by `onTestFinished`, which does not know which of several
 * concurrent tests is running.
 */
export function testProject(services?: string): TestProject {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'testbed-project-')))
  if (services !== undefined) writeFileSync(join(dir, 'testbed.config.ts'), configSource(services))
  const runs = () => listRuns().filter((run) => run.record.projectDir === dir)
  return {
    dir,
    runs,
    run() {
      const found = runs()
      expect(found, `runs recorded for ${dir}`).toHaveLength(1)
      return found[0] as Run
    },
    async [Symbol.asyncDispose]() {
      await Promise.all(runs().map(stopRun))
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

function configSource(services: string): string {
  return [
    `import { defineConfig, firestore, postgres, redis } from '${PUBLIC_INDEX}'`,
    '',
    `export default defineConfig({ services: ${services} })`,
    '',
  ].join('\n')
}

/** The server process a run recorded under `name`, with its record; fails the test if there is none. */
export function serviceOf(run: Run, name: string): ServiceRecord & { process: ProcessIdentity } {
  const service = run.record.services.find((candidate) => candidate.name === name)
  const process = service ? processOf(service) : null
  expect(process, `a started server "${name}" in run ${run.record.id}`).toBeTruthy()
  return { ...(service as ServiceRecord), process: process as ProcessIdentity }
}

/** The process of a server testbed started, or null (an external server, a container). */
export function processOf(service: ServiceRecord | undefined): ProcessIdentity | null {
  return service?.handle?.type === 'process' ? service.handle.process : null
}
