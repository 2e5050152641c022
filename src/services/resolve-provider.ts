import { kindVariable, readEnv } from '../core/env.ts'
import { TestbedError } from '../core/errors.ts'
import type { Detection, Provider } from '../providers/provider.ts'
import type { ServiceDefinition } from './service-definition.ts'

/** One provider's answer to "can you serve here?". */
export interface ProviderCheck {
  provider: Provider
  detection: Detection
}

/** The provider that will serve a service, and why it was chosen. */
export interface Resolution {
  provider: Provider
  version: string
  reason: string
  checks: ProviderCheck[]
}

/** Which provider forces itself, from the `provider` option or `TESTBED_<KIND>_PROVIDER`, and where that came from. */
export function forcedProvider(definition: ServiceDefinition): { name: string; from: string } | null {
  if (definition.options.provider) return { name: definition.options.provider, from: 'the `provider` option' }
  const variable = kindVariable(definition.kind, 'PROVIDER')
  const value = readEnv(variable)
  return value ? { name: value, from: variable.name } : null
}

/** Every provider's detection, in resolution order: what `testbed doctor` shows. */
export async function checkProviders(
  serviceName: string,
  definition: ServiceDefinition,
  only?: string,
): Promise<ProviderCheck[]> {
  const providers = definition.providers(serviceName)
  const matching = providers.filter((provider) => only === undefined || provider.name === only)
  return detectAll(matching.length > 0 ? matching : providers)
}

function detectAll(providers: Provider[]): Promise<ProviderCheck[]> {
  return Promise.all(providers.map(async (provider) => ({ provider, detection: await provider.detect() })))
}

// Deferred providers (docker) are detected only when none of the others can serve.
async function checkInOrder(providers: Provider[]): Promise<ProviderCheck[]> {
  const first = await detectAll(providers.filter((provider) => !provider.deferred))
  if (first.some((check) => check.detection.available)) return first
  return [...first, ...(await detectAll(providers.filter((provider) => provider.deferred)))]
}

/** Picks the forced provider, or the first available one in resolution order. */
export async function resolveProvider(serviceName: string, definition: ServiceDefinition): Promise<Resolution> {
  const forced = forcedProvider(definition)
  // A forced provider is the only one detected: looking for the others costs a process spawn each.
  if (forced)
    return resolveForced(serviceName, definition, await checkProviders(serviceName, definition, forced.name), forced)
  const providers = definition.providers(serviceName)
  const checks = await checkInOrder(providers)
  const order = providers.map((provider) => provider.name).join(' → ')
  for (const check of checks) {
    if (check.detection.available) {
      const reason = `the first available in the order ${order}`
      return { provider: check.provider, version: check.detection.version, reason, checks }
    }
  }
  throw noProvider(serviceName, definition, checks)
}

function resolveForced(
  serviceName: string,
  definition: ServiceDefinition,
  checks: ProviderCheck[],
  forced: { name: string; from: string },
): Resolution {
  const check = checks.find((candidate) => candidate.provider.name === forced.name)
  if (!check) throw unknownProvider(serviceName, definition, checks, forced)
  if (!check.detection.available) throw forcedUnavailable(serviceName, definition, check.detection, forced)
  return { provider: check.provider, version: check.detection.version, reason: `forced by ${forced.from}`, checks }
}

function noProvider(serviceName: string, definition: ServiceDefinition, checks: ProviderCheck[]): TestbedError {
  return new TestbedError('TESTBED_SERVICE_NO_PROVIDER', {
    what: `No way to get ${definition.label} for service "${serviceName}"`,
    subject: checks.map((check) => check.provider.name).join(', '),
    why: 'testbed tried every provider in order and none is available on this machine',
    fix: `Do what one of the lines below says, or set ${kindVariable(definition.kind, 'URL').name} to use a running server`,
    details: checks.map(({ provider, detection }) =>
      detection.available ? `${provider.name}: available` : `${provider.name}: ${detection.reason} — ${detection.fix}`,
    ),
  })
}

function unknownProvider(
  serviceName: string,
  definition: ServiceDefinition,
  checks: ProviderCheck[],
  forced: { name: string; from: string },
): TestbedError {
  const names = checks.map((check) => `\`${check.provider.name}\``).join(', ')
  return new TestbedError('TESTBED_CONFIG_INVALID', {
    what: `The provider forced by ${forced.from} cannot serve ${definition.label} for service "${serviceName}"`,
    subject: `\`${forced.name}\``,
    why: `${definition.label} can be served by ${names}`,
    fix: `Use one of those, or unset ${forced.from} to let testbed choose`,
  })
}

function forcedUnavailable(
  serviceName: string,
  definition: ServiceDefinition,
  detection: Extract<Detection, { available: false }>,
  forced: { name: string; from: string },
): TestbedError {
  return new TestbedError('TESTBED_SERVICE_PROVIDER_UNAVAILABLE', {
    what: `The ${definition.label} provider forced by ${forced.from} is not available for service "${serviceName}"`,
    subject: forced.name,
    why: `${capitalize(detection.reason)}`,
    fix: `To fix it: ${detection.fix}; or unset ${forced.from} to let testbed choose`,
  })
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
