import type { EnvVariable } from '../core/env.ts'

/** How to get what one provider of one kind needs. */
export interface InstallRecipe {
  /** What is installed, for messages: `redis-server`. */
  what: string
  /** Debian/Ubuntu packages, installed with apt-get. */
  apt?: string[]
  /** Homebrew formulae. */
  brew?: string[]
  /** An npm package: the project's package manager installs it, never testbed. */
  npm?: string
  /** The platforms (`linux-x64`) it exists for, when not all. */
  platforms?: string[]
  /** A variable that, when set, points the provider elsewhere: installing cannot help then. */
  override?: EnvVariable
  /** What to do where no package manager above fits (another Linux, Windows). */
  manual: string
  /** Why `manual` is all there is even where apt-get or Homebrew runs: the package is in no source testbed uses. */
  manualWhy?: string
}

/**
 * What a kind's providers need on a machine, by provider name: the data `testbed install` works
 * from. A function of the platform (`linux-x64`, `darwin-arm64`, …).
 */
export type InstallRecipes = Readonly<Record<string, (platform: string) => InstallRecipe>>
