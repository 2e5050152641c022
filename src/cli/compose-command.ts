import { join } from 'node:path'
import { COMPOSE_PATH, composeBody, composeHeader, composeServices } from '../compose/compose-file.ts'
import { TestbedError } from '../core/errors.ts'
import { renderGenerated, writeGenerated } from '../core/generated-file.ts'
import { isServiceDefinition, type ServiceDefinition } from '../services/service-definition.ts'
import { type CliContext, loadProjectServices, print } from './cli-context.ts'

/**
 * `testbed compose [--force]`: writes docker-compose.test.yml from testbed.config.ts — one service per
 * declared service, real health checks, tmpfs data, loopback ports — and prints how to point tests at it.
 */
export async function composeCommand(context: CliContext, options: { force: boolean }): Promise<number> {
  const project = await loadProjectServices(context)
  const services = composeServices(definitionsOf(project.services))
  const text = renderGenerated(composeHeader(project.projectDir, services), composeBody(services))
  const outcome = writeGenerated(join(project.projectDir, COMPOSE_PATH), text, { force: options.force, handEdited })
  const head = outcome === 'unchanged' ? `${COMPOSE_PATH} is up to date` : `${outcome} ${COMPOSE_PATH}`
  print(context.stdout, `testbed: ${head}:`)
  for (const service of services) {
    const ports = (service.definition.ports as string[]).join(', ')
    print(context.stdout, `  ${service.name}: ${service.definition.image} on ${ports}`)
  }
  print(context.stdout, `Start it: docker compose -f ${COMPOSE_PATH} up --wait`)
  print(context.stdout, 'Then run the tests against it with:')
  for (const service of services) print(context.stdout, `  export ${service.variable}='${service.url}'`)
  return 0
}

// The config was validated when it loaded: every service is a definition.
function definitionsOf(services: Record<string, unknown>): Record<string, ServiceDefinition> {
  return Object.fromEntries(Object.entries(services).filter((entry) => isServiceDefinition(entry[1]))) as Record<
    string,
    ServiceDefinition
  >
}

function handEdited(why: string): TestbedError {
  return new TestbedError('TESTBED_COMPOSE_HAND_EDITED', {
    what: 'Not replacing a compose file edited by hand',
    subject: COMPOSE_PATH,
    why: `${why}; writing it again would lose those edits`,
    fix: 'Run `testbed compose --force` to replace it anyway, or move your changes into testbed.config.ts and run `testbed compose --force` once',
  })
}
