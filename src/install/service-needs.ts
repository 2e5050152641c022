import type { ServiceDeclaration } from '../core/config.ts'
import { readEnv } from '../core/env.ts'
import type { Detection } from '../providers/provider.ts'
import type { InstallRecipe } from '../services/install-recipe.ts'
import { checkProviders, forcedProvider, type ProviderCheck } from '../services/resolve-provider.ts'
import type { ServiceDefinition } from '../services/service-definition.ts'
import { recipeFor } from './recipes.ts'

type Unavailable = Extract<Detection, { available: false }>

/** Nothing testbed can install would help: a variable points elsewhere, or no recipe exists here. */
interface StuckState {
  state: 'stuck'
  provider: string
  reason: string
  fix: string
}

/** Where one configured service stands on this machine, for `testbed install`. */
export type ServiceNeed = { service: string; label: string } & (
  | { state: 'ready'; provider: string; detail: string }
  | { state: 'missing'; provider: string; reason: string; recipe: InstallRecipe }
  | StuckState
)

/** What each service needs: ready when a provider is available (the forced one, if forced), else what to install. */
export async function checkServiceNeeds(
  services: Record<string, ServiceDeclaration>,
  platform: string,
): Promise<ServiceNeed[]> {
  return Promise.all(
    Object.entries(services).map(([name, declaration]) => needOf(name, declaration as ServiceDefinition, platform)),
  )
}

async function needOf(service: string, definition: ServiceDefinition, platform: string): Promise<ServiceNeed> {
  const forced = forcedProvider(definition)
  const checks = await checkProviders(service, definition, forced?.name)
  const base = { service, label: definition.label }
  const candidates = forced ? checks.filter((check) => check.provider.name === forced.name) : checks
  const ready = candidates.find((check) => check.detection.available)
  if (ready?.detection.available) return { ...base, state: 'ready', provider: ready.provider.name, ...ready.detection }
  const target = installTarget(definition, candidates, platform)
  if (!target) return { ...base, ...stuck(candidates[0]) }
  const { check, recipe } = target
  const detection = check.detection as Unavailable
  if (recipe.override && readEnv(recipe.override) !== undefined) {
    return { ...base, state: 'stuck', provider: check.provider.name, reason: detection.reason, fix: detection.fix }
  }
  return { ...base, state: 'missing', provider: check.provider.name, reason: detection.reason, recipe }
}

/** The first provider, in resolution order, that testbed knows how to install here. */
function installTarget(
  definition: ServiceDefinition,
  checks: ProviderCheck[],
  platform: string,
): { check: ProviderCheck; recipe: InstallRecipe } | null {
  for (const check of checks) {
    const recipe = recipeFor(definition, check.provider.name, platform)
    if (recipe) return { check, recipe }
  }
  return null
}

function stuck(check: ProviderCheck | undefined): StuckState {
  const detection = check?.detection as Unavailable | undefined
  return {
    state: 'stuck',
    provider: check?.provider.name ?? 'none',
    reason: detection?.reason ?? 'no provider can serve it',
    fix: detection?.fix ?? 'see `npx testbed doctor`',
  }
}
