import { TestbedError } from '../core/errors.ts'
import type { ServiceRecord } from '../core/run-registry.ts'

/** The PostgreSQL service named `name`, or the first one when no name is given. */
export function postgresService(services: readonly ServiceRecord[], name: string | undefined): ServiceRecord {
  const postgres = services.filter((service) => service.kind === 'postgres')
  const found = name === undefined ? postgres[0] : postgres.find((service) => service.name === name)
  if (found) return found
  const names = postgres.map((service) => `\`${service.name}\``).join(', ')
  throw new TestbedError('TESTBED_CLI_INVALID_ARGUMENT', {
    what: name === undefined ? 'No PostgreSQL service is running' : 'No running PostgreSQL service has this name',
    subject: name,
    why: names ? `The running PostgreSQL services are ${names}` : 'The running services include no PostgreSQL',
    fix: names
      ? `Pass one of them: \`--service ${postgres[0]?.name}\``
      : 'Declare `postgres()` in testbed.config.ts and run `npx testbed services up --detach`',
  })
}
