import { TestbedError } from '../core/errors.ts'
import type { ServiceNeed } from './service-needs.ts'

type Stuck = Extract<ServiceNeed, { state: 'stuck' }>

/** `testbed install` without `--with-deps` found something missing. */
export function missingError(
  names: readonly string[],
  steps: readonly string[],
  managerName: string | null,
): TestbedError {
  const how = managerName
    ? `Run \`npx testbed install --with-deps\` to install ${names.length === 1 ? 'it' : 'them'} with ${managerName}, or do it yourself`
    : 'Do it yourself'
  return new TestbedError('TESTBED_INSTALL_MISSING', {
    what: 'Missing what the configured services need',
    subject: names.join(', '),
    why: '`testbed install` without `--with-deps` checks and installs no system package',
    fix: `${how}: ${steps.length === 1 ? 'the line' : 'the lines'} below`,
    details: steps,
  })
}

/** `--with-deps` found something it cannot install on this machine. */
export function cannotInstallError(names: readonly string[], why: string, steps: readonly string[]): TestbedError {
  return new TestbedError('TESTBED_INSTALL_MANUAL', {
    what: 'testbed cannot install what the configured services need on this machine',
    subject: names.join(', '),
    why,
    fix: `Do it yourself: ${steps.length === 1 ? 'the line' : 'the lines'} below, then run \`npx testbed install\` again to check`,
    details: steps,
  })
}

/** A service that nothing testbed installs would make work. */
export function stuckError(stuck: readonly Stuck[]): TestbedError {
  return new TestbedError('TESTBED_INSTALL_STUCK', {
    what: `${stuck.length === 1 ? 'A service' : 'Services'} that no package would fix`,
    subject: stuck.map((need) => `"${need.service}"`).join(', '),
    why: 'Its provider is forced or pointed elsewhere by a setting, or testbed knows no way to install it here',
    fix: 'Do what each line below says',
    details: stuck.map((need) => `${need.service} (${need.label}, ${need.provider}): ${need.reason} — ${need.fix}`),
  })
}

/** An install command exited with an error. */
export function commandFailedError(command: string, exit: string, lastLines: readonly string[]): TestbedError {
  return new TestbedError('TESTBED_INSTALL_COMMAND_FAILED', {
    what: 'An install command failed',
    subject: command,
    why: `It ${exit}; its last lines of output are below`,
    fix: 'Fix what they say (a network problem, a locked package database), then run `npx testbed install --with-deps` again',
    details: lastLines,
  })
}

/** The packages installed, yet a service still finds nothing to start. */
export function stillMissingError(needs: readonly ServiceNeed[]): TestbedError {
  return new TestbedError('TESTBED_INSTALL_STILL_MISSING', {
    what: 'Installed the packages, but a service still cannot start',
    subject: needs.map((need) => `"${need.service}"`).join(', '),
    why: 'The binaries are not where testbed looks (PATH, /usr/lib/postgresql/*/bin, Homebrew)',
    fix: 'Run `npx testbed doctor` to see where testbed looks, and put the binaries there or on PATH',
    details: needs.map((need) => `${need.service}: ${need.state === 'ready' ? 'ready' : need.reason}`),
  })
}
