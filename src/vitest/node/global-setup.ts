import type { TestProject } from 'vitest/node'
import { RUN_KEY, SETTINGS_KEY } from '../provided.ts'
import { runState } from './run-state.ts'
import { selectServices } from './service-selection.ts'
import { startTestServices } from './start-test-services.ts'

/**
 * Vitest global setup (main process, once per run, before any test): starts the services and
 * builds the templates when the run can execute an integration test, and provides their
 * connection info to the workers. Start-up is therefore charged to no test's timeout.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const settings = project.getProvidedContext()[SETTINGS_KEY]
  const state = runState(project.vitest)
  const selection = selectServices(settings, project.vitest.config.tagsFilter, state.files)
  if (!selection.start) {
    state.services = {
      started: false,
      reason: selection.reason,
      attached: false,
      servicesMs: 0,
      templatesMs: 0,
      templatesBuilt: 0,
    }
    project.provide(RUN_KEY, { services: {}, reason: selection.reason })
    return undefined
  }
  const started = await startTestServices(settings)
  state.services = started.report
  project.provide(RUN_KEY, {
    services: started.services,
    reason: null,
    unavailable: started.unavailable,
    fixtures: started.fixtures,
  })
  // Tests fail on their own once a server is gone; this says why, and fails the run even if none did.
  const stopListening = started.set.onServerDeath((death) => {
    project.vitest.logger.error(`\n${death.error.message}\n`)
    process.exitCode = 1
  })
  return async () => {
    await started.set.stop()
    stopListening()
  }
}
