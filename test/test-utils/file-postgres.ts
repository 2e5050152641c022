import { afterAll, beforeAll } from 'vitest'
import { postgres } from '../../src/services/postgres/postgres-service.ts'
import { type ServiceSet, startServices } from '../../src/services/service-set.ts'
import { tempDir } from './temp-dir.ts'

/** One real PostgreSQL for the whole test file, started before its tests and stopped after them. */
export function postgresForFile(): { readonly url: string } {
  let services: ServiceSet | undefined
  beforeAll(async () => {
    services = await startServices({ db: postgres() }, { projectDir: tempDir() })
  })
  afterAll(() => services?.stop())
  return {
    get url() {
      return services?.services[0]?.url ?? ''
    },
  }
}
