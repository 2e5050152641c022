import type { ServiceDeclaration } from '../core/config.ts'
import { serviceUrlVariable } from '../core/env.ts'
import { TestbedError } from '../core/errors.ts'
import type { CiRecipe, CiStep } from '../services/ci-recipe.ts'
import { isServiceDefinition, type ServiceDefinition } from '../services/service-definition.ts'

type ServiceContainerRecipe = NonNullable<CiRecipe['serviceContainer']>

/** A GitHub Actions service container. */
export interface ServiceContainer {
  image: string
  env?: Record<string, string>
  ports: string[]
  options: string
}

/** What the integration job needs for the configured services. */
export interface ServiceNeeds {
  /** Debian packages to install on the runner, sorted. */
  aptPackages: string[]
  /** Setup steps of the kinds' own (an action that installs an emulator), before the tests. */
  steps: CiStep[]
  containers: Record<string, ServiceContainer>
  /** Variables that point testbed at the containers (`TESTBED_DB_URL`). */
  env: Record<string, string>
  /** True when testbed starts PostgreSQL itself: its initdb and template cache is then worth keeping. */
  startsPostgres: boolean
  /** One line per service for the command's summary. */
  summary: string[]
}

/**
 * What each service needs on a GitHub-hosted ubuntu runner, by the provider testbed will pick there,
 * as its kind's `ci` recipe says: a provider from npm (embedded PostgreSQL) nothing; `local` its
 * Debian packages or setup steps; `docker` the runner's own Docker; `external` a service container
 * with a health check, and its URL in `TESTBED_<NAME>_URL`.
 */
export function serviceNeeds(services: Record<string, ServiceDeclaration>): ServiceNeeds {
  const needs: ServiceNeeds = {
    aptPackages: [],
    steps: [],
    containers: {},
    env: {},
    startsPostgres: false,
    summary: [],
  }
  for (const [name, service] of Object.entries(services)) addService(needs, name, service)
  needs.aptPackages = [...new Set(needs.aptPackages)].sort()
  needs.steps = uniqueSteps(needs.steps)
  return needs
}

function addService(needs: ServiceNeeds, name: string, service: ServiceDeclaration): void {
  const recipe = isServiceDefinition(service) ? service.ci : undefined
  const options = service.options as { provider?: string; url?: string }
  const provider = options.url ? 'url' : (options.provider ?? recipe?.defaultProvider)
  const label = `${name} (${service.kind}, ${provider === 'url' ? 'the `url` option' : provider})`
  if (recipe === undefined) throw unsupported(name, service, provider)
  if (provider === 'url') {
    needs.summary.push(`${label}: the server the config names; the workflow starts none`)
  } else if (provider !== undefined && recipe.fromNpm?.includes(provider)) {
    needs.startsPostgres ||= recipe.cachesData === true
    needs.summary.push(`${label}: binaries from the npm install, nothing else`)
  } else if (provider === 'local' && recipe.local) {
    addLocal(needs, label, recipe, recipe.local)
  } else if (provider === 'docker' && isServiceDefinition(service) && service.container) {
    needs.summary.push(`${label}: the runner's Docker runs ${service.container.defaultImage}`)
  } else if (provider === 'external' && recipe.serviceContainer) {
    addContainer(needs, name, recipe.serviceContainer)
    needs.summary.push(
      `${label}: a ${recipe.serviceContainer.image} service container, ${serviceUrlVariable(name).name}`,
    )
  } else {
    throw unsupported(name, service, provider)
  }
}

function addLocal(needs: ServiceNeeds, label: string, recipe: CiRecipe, local: NonNullable<CiRecipe['local']>): void {
  needs.startsPostgres ||= recipe.cachesData === true
  const packages = local.aptPackages ?? []
  needs.aptPackages.push(...packages)
  needs.steps.push(...(local.steps ?? []))
  needs.summary.push(`${label}: ${local.summary ?? `apt-get install ${packages.join(' ')}`}`)
}

function addContainer(needs: ServiceNeeds, name: string, container: ServiceContainerRecipe): void {
  // Each container of a kind gets the next host port: two PostgreSQL services cannot share 5432.
  const taken = new Set(Object.values(needs.containers).flatMap((existing) => existing.ports))
  let port = container.port
  while (taken.has(`${port}:${container.port}`)) port++
  needs.containers[containerId(name)] = {
    image: container.image,
    ...(container.env && { env: container.env }),
    ports: [`${port}:${container.port}`],
    options: `--health-cmd "${container.healthCmd}" --health-interval 2s --health-timeout 5s --health-retries 30`,
  }
  needs.env[serviceUrlVariable(name).name] = container.url(port)
}

// Two services of one kind need its setup steps once.
function uniqueSteps(steps: CiStep[]): CiStep[] {
  const seen = new Set<string>()
  return steps.filter((step) => {
    const key = JSON.stringify(step)
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

// GitHub's service ids start with a letter or `_` and hold letters, digits, `_` and `-`.
function containerId(name: string): string {
  const id = name.replace(/[^A-Za-z0-9_-]/g, '-')
  return /^[A-Za-z_]/.test(id) ? id : `_${id}`
}

function unsupported(name: string, service: ServiceDeclaration, provider: string | undefined): TestbedError {
  const subject = `${name} (${service.kind}${provider ? `, provider ${provider}` : ''})`
  const what = 'testbed ci cannot provide a service on GitHub Actions'
  const known = isServiceDefinition(service) && service.ci ? runnerProviders(service) : []
  if (known.length === 0) {
    return new TestbedError('TESTBED_CI_UNSUPPORTED_SERVICE', {
      what,
      subject,
      why: 'Its kind declares no `ci` recipe, so what it needs on a runner is unknown',
      fix: 'Give the service a `url` the runner reaches, or add the service to the generated workflow by hand',
    })
  }
  return new TestbedError('TESTBED_CI_UNSUPPORTED_SERVICE', {
    what,
    subject,
    why: `On a runner its kind comes as ${known.join(', ')}, not as ${provider}`,
    fix: `Pin the service to one of those (\`provider: '${known[0]}'\`), or add the service to the generated workflow by hand`,
  })
}

/** The providers a kind's `ci` recipe (and its container recipe) can give on a runner, in its order. */
function runnerProviders(service: ServiceDefinition): string[] {
  const { ci, container } = service
  return [
    ...(ci?.fromNpm ?? []),
    ...(ci?.local ? ['local'] : []),
    ...(container ? ['docker'] : []),
    ...(ci?.serviceContainer ? ['external'] : []),
  ]
}
