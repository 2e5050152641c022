import { accessSync, constants, mkdirSync } from 'node:fs'
import { describeCause, TestbedError } from '../core/errors.ts'
import { cacheDir, stateDir } from '../core/paths.ts'
import { privateStateDir } from '../core/state-dir.ts'
import { describeEngine } from '../providers/container/docker-provider.ts'
import { unprivilegedUser } from '../providers/run-as-user.ts'
import { CLIENT_TOOLS, CLIENT_TOOLS_FIX, findClientTool } from '../services/postgres/client-tools.ts'
import { checkProviders, forcedProvider, type ProviderCheck } from '../services/resolve-provider.ts'
import type { ServiceDefinition } from '../services/service-definition.ts'
import { type CliContext, loadProjectServices, print } from './cli-context.ts'

/** `testbed doctor`: for each service, which providers are available, which would be chosen and why, and how to fix the rest. */
export async function doctor(context: CliContext): Promise<number> {
  const project = await loadProjectServices(context)
  const out = (text = '') => print(context.stdout, text)
  out(`testbed doctor — ${project.file ?? `${project.projectDir} (no testbed.config.ts: default services)`}`)
  out()
  for (const line of await machineLines()) out(`  ${line}`)
  let healthy = true
  for (const [name, declaration] of Object.entries(project.services)) {
    const definition = declaration as ServiceDefinition
    out()
    out(`${definition.label} — service "${name}"`)
    const checks = await checkProviders(name, definition)
    for (const check of checks) out(`  ${describeCheck(check)}`)
    const choice = chosen(definition, checks)
    out(`  → ${choice.text}`)
    if (declaration.kind === 'postgres') out(`  ${clientToolsLine()}`)
    healthy &&= choice.ok
  }
  return healthy ? 0 : 1
}

async function machineLines(): Promise<string[]> {
  const user = safely(() => unprivilegedUser())
  const runAs =
    user instanceof TestbedError
      ? `✗ ${user.message.split('\n')[0]}`
      : user
        ? `${user.name} (uid ${user.uid}), because testbed runs as root`
        : 'the current user'
  return [
    `node        ${process.version}`,
    `servers as  ${runAs}`,
    `state dir   ${stateDir()} ${stateDirCheck()}`,
    `cache dir   ${cacheDir()} ${writable(cacheDir())}`,
    // Only the docker provider uses it; none reachable is no fault of the machine.
    `containers  ${await describeEngine()}`,
  ]
}

// Not needed to run tests, so never a failure: many suites call psql or createdb themselves.
function clientToolsLine(): string {
  const missing = CLIENT_TOOLS.filter((tool) => findClientTool(tool) === null)
  const found = CLIENT_TOOLS.filter((tool) => !missing.includes(tool))
  if (missing.length === 0)
    return `client tools: ✓ ${found.join(', ')} (for \`testbed psql\` and suites that call them)`
  const have = found.length > 0 ? `✓ ${found.join(', ')}; ` : ''
  return `client tools: ${have}✗ ${missing.join(', ')} not found — to fix: ${CLIENT_TOOLS_FIX}`
}

function describeCheck({ provider, detection }: ProviderCheck): string {
  const name = provider.name.padEnd(9)
  if (detection.available) return `✓ ${name} ${detection.detail}`
  return `✗ ${name} ${detection.reason} — to fix: ${detection.fix}`
}

function chosen(definition: ServiceDefinition, checks: ProviderCheck[]): { ok: boolean; text: string } {
  const forced = forcedProvider(definition)
  if (forced) {
    const check = checks.find((candidate) => candidate.provider.name === forced.name)
    if (check?.detection.available) return { ok: true, text: `would use ${forced.name}: forced by ${forced.from}` }
    return {
      ok: false,
      text: `${forced.from} forces \`${forced.name}\`, which is not available here: fix it as above, or unset ${forced.from}`,
    }
  }
  const first = checks.find((check) => check.detection.available)
  const order = checks.map((check) => check.provider.name).join(' → ')
  if (first) return { ok: true, text: `would use ${first.provider.name}: the first available in the order ${order}` }
  return { ok: false, text: 'no provider is available: fix one of the lines above' }
}

// The state dir must be private (state-dir.ts); when it is not, the reason and the fix, as every command would print them.
function stateDirCheck(): string {
  const refused = safely(() => privateStateDir())
  return refused instanceof TestbedError ? `✗ ${refused.message.split('\n')[1]}` : writable(stateDir())
}

function writable(dir: string): string {
  try {
    mkdirSync(dir, { recursive: true })
    accessSync(dir, constants.W_OK)
    return '(writable)'
  } catch (error) {
    return `✗ not writable (${describeCause(error)}): set ${dir === stateDir() ? 'TESTBED_STATE_DIR' : 'TESTBED_CACHE_DIR'} to a writable folder`
  }
}

function safely<T>(compute: () => T): T | TestbedError {
  try {
    return compute()
  } catch (error) {
    if (error instanceof TestbedError) return error
    throw error
  }
}
