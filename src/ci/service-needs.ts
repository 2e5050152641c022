import type { ServiceDeclaration } from '../core/config.ts'
import { serviceUrlVariable } from '../core/env.ts'
import { TestbedError } from '../core/errors.ts'

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
  containers: Record<string, ServiceContainer>
  /** Variables that point testbed at the containers (`TESTBED_DB_URL`). */
  env: Record<string, string>
  /** True when testbed starts PostgreSQL itself: its initdb and template cache is then worth keeping. */
  startsPostgres: boolean
  /** One line per service for the command's summary. */
  summary: string[]
}

interface KindInCi {
  /** What the runner lacks for the `local` provider: a Debian package (ubuntu-latest). */
  localPackage: string
  /** The provider testbed picks on a runner when the config forces none. */
  defaultProvider: string
  image: string
  port: number
  containerEnv?: Record<string, string>
  healthCmd: string
  url(port: number): string
}

const KINDS: Record<string, KindInCi> = {
  postgres: {
    localPackage: 'postgresql',
    defaultProvider: 'embedded',
    image: 'postgres:18',
    port: 5432,
    containerEnv: { POSTGRES_PASSWORD: 'postgres' },
    healthCmd: 'pg_isready -U postgres',
    url: (port) => `postgresql://postgres:postgres@localhost:${port}/postgres`,
  },
  redis: {
    localPackage: 'redis-server',
    defaultProvider: 'local',
    image: 'redis:7-alpine',
    port: 6379,
    healthCmd: 'redis-cli ping',
    url: (port) => `redis://localhost:${port}`,
  },
}

/**
 * What each service needs on a GitHub-hosted ubuntu runner, by the provider testbed will pick there:
 * embedded PostgreSQL nothing (the binaries come with the install); local servers their Debian
 * package; `external` a service container with a health check, and its URL in `TESTBED_<NAME>_URL`.
 */
export function serviceNeeds(services: Record<string, ServiceDeclaration>): ServiceNeeds {
  const needs: ServiceNeeds = { aptPackages: [], containers: {}, env: {}, startsPostgres: false, summary: [] }
  for (const [name, service] of Object.entries(services)) addService(needs, name, service)
  needs.aptPackages = [...new Set(needs.aptPackages)].sort()
  return needs
}

function addService(needs: ServiceNeeds, name: string, service: ServiceDeclaration): void {
  const kind = KINDS[service.kind]
  const options = service.options as { provider?: string; url?: string }
  const provider = options.url ? 'url' : (options.provider ?? kind?.defaultProvider)
  const label = `${name} (${service.kind}, ${provider === 'url' ? 'the `url` option' : provider})`
  if (kind === undefined) throw unsupported(name, service.kind, provider)
  if (provider === 'url') {
    needs.summary.push(`${label}: the server the config names; the workflow starts none`)
  } else if (provider === 'embedded') {
    needs.startsPostgres = true
    needs.summary.push(`${label}: binaries from the npm install, nothing else`)
  } else if (provider === 'local') {
    needs.startsPostgres ||= service.kind === 'postgres'
    needs.aptPackages.push(kind.localPackage)
    needs.summary.push(`${label}: apt-get install ${kind.localPackage}`)
  } else if (provider === 'external') {
    addContainer(needs, name, kind)
    needs.summary.push(`${label}: a ${kind.image} service container, ${serviceUrlVariable(name).name}`)
  } else {
    throw unsupported(name, service.kind, provider)
  }
}

function addContainer(needs: ServiceNeeds, name: string, kind: KindInCi): void {
  // Each container of a kind gets the next host port: two PostgreSQL services cannot share 5432.
  const taken = new Set(Object.values(needs.containers).flatMap((container) => container.ports))
  let port = kind.port
  while (taken.has(`${port}:${kind.port}`)) port++
  needs.containers[containerId(name)] = {
    image: kind.image,
    ...(kind.containerEnv && { env: kind.containerEnv }),
    ports: [`${port}:${kind.port}`],
    options: `--health-cmd "${kind.healthCmd}" --health-interval 2s --health-timeout 5s --health-retries 30`,
  }
  needs.env[serviceUrlVariable(name).name] = kind.url(port)
}

// GitHub's service ids start with a letter or `_` and hold letters, digits, `_` and `-`.
function containerId(name: string): string {
  const id = name.replace(/[^A-Za-z0-9_-]/g, '-')
  return /^[A-Za-z_]/.test(id) ? id : `_${id}`
}

function unsupported(name: string, kind: string, provider: string | undefined): TestbedError {
  return new TestbedError('TESTBED_CI_UNSUPPORTED_SERVICE', {
    what: 'testbed ci cannot provide a service on GitHub Actions',
    subject: `${name} (${kind}${provider ? `, provider ${provider}` : ''})`,
    why: `It knows PostgreSQL (embedded, local, external) and Redis (local, external), not this ${provider ? 'combination' : 'kind'}`,
    fix: "Pin the service to a provider it knows (`provider: 'external'` gets a service container), or add the service to the generated workflow by hand",
  })
}
