import type { InstallRecipe } from '../services/install-recipe.ts'
import type { ServiceDefinition } from '../services/service-definition.ts'

/**
 * The recipe of `provider` for the service's kind on this platform (`linux-x64`), or null when the
 * kind declares none (its `install` recipes) or the package does not exist for the platform.
 */
export function recipeFor(definition: ServiceDefinition, provider: string, platform: string): InstallRecipe | null {
  const recipe = definition.install?.[provider]?.(platform)
  if (!recipe) return null
  return recipe.platforms && !recipe.platforms.includes(platform) ? null : recipe
}
