// What it costs, as root, to run PostgreSQL from a project in a private folder: the first start copies the
// embedded install where the server account can reach it (hard links on the same filesystem, a real copy
// into /dev/shm), later starts only check the copy is current. Needs root; never fails on time.
// Usage: npx node bench/reachable-install.ts [--samples N]
import { execFileSync } from 'node:child_process'
import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { parseArgs } from 'node:util'
import { reachableInstall } from '../src/providers/reachable-install.ts'
import { unprivilegedUser } from '../src/providers/run-as-user.ts'
import { findEmbeddedBinaries } from '../src/services/postgres/postgres-binaries.ts'
import { printTimingsTable } from './timings-table.ts'

const { values } = parseArgs({ options: { samples: { type: 'string', default: '7' } } })
const samples = Number(values.samples)
const runAs = unprivilegedUser()
const embedded = await findEmbeddedBinaries()
if (!runAs || !embedded) throw new Error('run as root, with the embedded PostgreSQL package installed')
const install = dirname(embedded.binDir)
// The project's folder, as `mktemp -d` makes it; the package inside, hard-linked from this checkout.
const project = mkdtempSync(join(tmpdir(), 'testbed-bench-private-'))
const privateInstall = join(project, 'native')
execFileSync('cp', ['-al', install, privateInstall])
const results = new Map<string, number[]>()

try {
  for (let round = 0; round < samples; round++) {
    for (const [name, base] of [
      ['state dir on the same filesystem (cp -al)', tmpdir()],
      ['state dir in /dev/shm (cp -a)', '/dev/shm'],
    ] as const) {
      const state = mkdtempSync(join(base, 'testbed-bench-state-'))
      chmodSync(state, 0o711)
      process.env.TESTBED_STATE_DIR = state
      record(`${name}: first start`, await timed(() => reachableInstall(privateInstall, runAs)))
      record(`${name}: later starts`, await timed(() => reachableInstall(privateInstall, runAs)))
      rmSync(state, { recursive: true, force: true })
    }
    record('reachable install (nothing to copy)', await timed(() => reachableInstall(install, runAs)))
  }
  report()
} finally {
  rmSync(project, { recursive: true, force: true })
}

function record(name: string, ms: number): void {
  results.set(name, [...(results.get(name) ?? []), ms])
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now()
  await work()
  return performance.now() - started
}

function report(): void {
  console.log(`\n${install} (${samples} samples)\n`)
  printTimingsTable(results, 56, 1)
}
