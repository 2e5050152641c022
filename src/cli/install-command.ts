import type { ServiceDeclaration } from '../core/config.ts'
import { formatMs } from '../core/progress.ts'
import { cannotInstallError, missingError, stillMissingError, stuckError } from '../install/install-errors.ts'
import { handSteps, type InstallPlan, manualLines, planInstall, whyManual } from '../install/install-plan.ts'
import { detectMachine } from '../install/machine.ts'
import { formatCommand, type PackageManager, packageManagerFor } from '../install/package-manager.ts'
import { runInstallCommand } from '../install/run-install-command.ts'
import { checkServiceNeeds, type ServiceNeed } from '../install/service-needs.ts'
import { isServiceDefinition } from '../services/service-definition.ts'
import { startServices } from '../services/service-set.ts'
import { type CliContext, loadProjectServices, print } from './cli-context.ts'

/** Options of `testbed install`. */
export interface InstallOptions {
  /** Install missing system packages (apt-get, Homebrew) instead of only checking. */
  withDeps: boolean
  /** Print what would run, and run nothing. */
  dryRun: boolean
}

type Out = (text?: string) => void
type Missing = Extract<ServiceNeed, { state: 'missing' }>
type Stuck = Extract<ServiceNeed, { state: 'stuck' }>

/** `testbed install [--with-deps] [--dry-run]`: checks, and with `--with-deps` installs, what the configured services need. */
export async function installCommand(context: CliContext, options: InstallOptions): Promise<number> {
  const project = await loadProjectServices(context)
  const machine = detectMachine()
  const platform = `${machine.platform}-${machine.arch}`
  const out: Out = (text = '') => print(context.stdout, text)
  out(`testbed install — ${project.file ?? `${project.projectDir} (no testbed.config.ts: default services)`}`)
  const needs = await checkServiceNeeds(project.services, platform)
  for (const need of needs) out(`  ${describeNeed(need)}`)
  const missing = needs.filter((need): need is Missing => need.state === 'missing')
  const stuck = needs.filter((need): need is Stuck => need.state === 'stuck')
  if (missing.length === 0) {
    if (stuck.length > 0) throw stuckError(stuck)
    await startOnce(project, out)
    out('Nothing to install: every configured service can start on this machine.')
    return 0
  }
  const manager = packageManagerFor(machine)
  const plan = planInstall(needs, manager)
  if (options.dryRun) return printDryRun(out, plan, manager)
  const names = [...new Set(missing.map((need) => need.recipe.what))]
  if (!options.withDeps) throw missingError(names, handSteps(plan, manager), installsHere(plan, manager))
  await installPackages(context, plan, manager, names)
  const after = await checkServiceNeeds(project.services, platform)
  const fixed = after.filter((need) => missing.some((was) => was.service === need.service))
  for (const need of fixed) out(`  ${describeNeed(need)}`)
  if (plan.manual.length > 0) throw cannotInstallError(names, whyManual(manager, machine, plan), manualLines(plan))
  if (fixed.some((need) => need.state !== 'ready')) throw stillMissingError(fixed)
  if (stuck.length > 0) throw stuckError(stuck)
  await startOnce(project, out)
  out('Installed: every configured service can start on this machine.')
  return 0
}

/**
 * Starts, once, the services whose first start does work later starts reuse (PostgreSQL's initdb),
 * and stops them: the first test run on this machine then starts warm instead of cold.
 */
async function startOnce(project: { projectDir: string; services: Record<string, ServiceDeclaration> }, out: Out) {
  const warmed = Object.entries(project.services).filter(([, service]) => firstStartOf(service) !== undefined)
  if (warmed.length === 0) return
  const startedAt = Date.now()
  const set = await startServices(Object.fromEntries(warmed), { projectDir: project.projectDir })
  await set.stop()
  const took = formatMs(Date.now() - startedAt)
  for (const [name, service] of warmed) out(`  ✓ ${name}: started once (${took}); ${firstStartOf(service)}`)
}

function firstStartOf(service: ServiceDeclaration): string | undefined {
  return isServiceDefinition(service) ? service.firstStart : undefined
}

async function installPackages(
  context: CliContext,
  plan: InstallPlan,
  manager: PackageManager | null,
  names: string[],
): Promise<void> {
  if (plan.commands.length === 0 || !manager) return
  if (manager.blocked) throw cannotInstallError(names, capitalize(manager.blocked), handSteps(plan, manager))
  print(context.stdout, `Installing ${plan.packages.join(', ')} with ${manager.name}:`)
  for (const command of plan.commands) {
    print(context.stdout, `  $ ${formatCommand(command)}`)
    await runInstallCommand(command, context.stderr)
  }
}

function printDryRun(out: (text?: string) => void, plan: InstallPlan, manager: PackageManager | null): number {
  if (plan.commands.length > 0) {
    const asRoot = manager?.blocked ? ` (${manager.blocked}: run them as root)` : ''
    out(`Would run${asRoot}:`)
    for (const command of plan.commands) out(`  $ ${formatCommand(command)}`)
  }
  if (plan.manual.length > 0) {
    out('Left to you:')
    for (const line of manualLines(plan)) out(`  • ${line}`)
  }
  return 0
}

/** The package manager's name when `--with-deps` would install everything missing with it. */
function installsHere(plan: InstallPlan, manager: PackageManager | null): string | null {
  return manager && !manager.blocked && plan.manual.length === 0 ? manager.name : null
}

function describeNeed(need: ServiceNeed): string {
  const head = `${need.service} (${need.label}):`
  if (need.state === 'ready') return `✓ ${head} ${need.provider} — ${need.detail}`
  if (need.state === 'missing') return `✗ ${head} ${need.provider} — ${need.reason}; needs ${need.recipe.what}`
  return `✗ ${head} ${need.provider} — ${need.reason}; to fix: ${need.fix}`
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
