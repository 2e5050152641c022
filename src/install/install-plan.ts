import type { Machine } from './machine.ts'
import { type Command, formatCommand, type PackageManager } from './package-manager.ts'
import type { ServiceNeed } from './service-needs.ts'

type Missing = Extract<ServiceNeed, { state: 'missing' }>

/** What `testbed install` would do about the missing needs on this machine. */
export interface InstallPlan {
  /** Packages the machine's package manager installs, and the commands that do it. */
  packages: string[]
  commands: Command[]
  /** What testbed leaves to the user, each with the exact thing to do. */
  manual: ManualStep[]
}

export interface ManualStep {
  /** `redis-server for service "cache"`. */
  what: string
  instruction: string
  /** Why it is left to the user even with a package manager here (the recipe's `manualWhy`). */
  why?: string
}

/** Sorts each missing need into the package manager's share and the user's. */
export function planInstall(needs: readonly ServiceNeed[], manager: PackageManager | null): InstallPlan {
  const missing = needs.filter((need): need is Missing => need.state === 'missing')
  const packages: string[] = []
  const manual: ManualStep[] = []
  for (const need of missing) {
    const what = `${need.recipe.what} for service "${need.service}"`
    const fromManager = manager && !need.recipe.npm ? need.recipe[manager.key] : undefined
    if (fromManager) packages.push(...fromManager.filter((name) => !packages.includes(name)))
    else
      manual.push({
        what,
        instruction: need.recipe.manual,
        ...(need.recipe.manualWhy && { why: need.recipe.manualWhy }),
      })
  }
  return { packages, commands: manager && packages.length > 0 ? manager.commands(packages) : [], manual }
}

/** The plan as lines a user can follow by hand: commands (as root when the manager needs it), then the rest. */
export function handSteps(plan: InstallPlan, manager: PackageManager | null): string[] {
  const asRoot = manager?.key === 'apt' && manager.blocked ? ' (as root)' : ''
  return [...plan.commands.map((command) => `${formatCommand(command)}${asRoot}`), ...manualLines(plan)]
}

/**
 * Why steps are left to the user: their recipes say (the Firestore emulator); npm packages are the
 * project's; or no package manager testbed drives is here.
 */
export function whyManual(manager: PackageManager | null, machine: Machine, plan?: InstallPlan): string {
  const own = [...new Set(plan?.manual.flatMap((step) => step.why ?? []))]
  if (manager && own.length > 0) return own.join('; ')
  if (manager) return 'npm packages belong to the project: its package manager installs them, not testbed'
  const where = machine.distro?.name ?? machine.platform
  return `testbed drives apt-get on Debian and Ubuntu and Homebrew on macOS, and this machine (${where}) has neither`
}

export function manualLines(plan: InstallPlan): string[] {
  return plan.manual.map((step) => `${step.what}: ${step.instruction}`)
}
