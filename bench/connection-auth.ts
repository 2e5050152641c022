// What a new connection costs under each way of logging in: trust (what servers testbed started
// used to accept), SCRAM with PostgreSQL's default 4096 iterations, and SCRAM with the 1 iteration
// testbed uses for its random passwords (decisions/0013). The `database` isolation strategy opens
// connections per test, so this is paid often. Embedded PostgreSQL 18 and, when installed, local 15.
// Usage: npx node bench/connection-auth.ts [--connections N] [--rounds N]. Never fails on time.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { dirname, join } from 'node:path'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { stateDir } from '../src/core/paths.ts'
import { postgres } from '../src/services/postgres/postgres-service.ts'
import { scramVerifier } from '../src/services/postgres/scram-verifier.ts'
import { lockSuperuser, socketUrl } from '../src/services/postgres/superuser-password.ts'
import { runOf, type ServiceSet, startServices } from '../src/services/service-set.ts'
import { printTimingsTable } from './timings-table.ts'

const { values } = parseArgs({
  options: { connections: { type: 'string', default: '200' }, rounds: { type: 'string', default: '5' } },
})
const connections = Number(values.connections)
const rounds = Number(values.rounds)
const root = mkdtempSync(join(dirname(stateDir()), 'testbed-bench-auth-'))
// PostgreSQL runs as another account when we are root: it reads the hba file below.
chmodSync(root, 0o711)
process.env.TESTBED_STATE_DIR = join(root, 'state')
process.env.TESTBED_QUIET = '1'
const trustHba = join(root, 'trust.hba')
writeFileSync(trustHba, 'local all all trust\nhost all all 127.0.0.1/32 trust\n', { mode: 0o644 })

try {
  console.log(
    `\n${connections} connections × ${rounds} rounds per variant, ${availableParallelism()} cores, Node ${process.version}`,
  )
  for (const provider of ['embedded', 'local'] as const) await measureProvider(provider)
} finally {
  rmSync(root, { recursive: true, force: true })
}

async function measureProvider(provider: 'embedded' | 'local'): Promise<void> {
  const scram = await startServices({ db: postgres({ provider }) }, { projectDir: root }).catch(() => null)
  if (!scram) return console.log(`\n${provider}: not available, skipped`)
  await using _scram = scram
  await using trust = await startServices(
    { db: postgres({ provider, settings: { hba_file: trustHba } }) },
    { projectDir: root },
  )
  const results = new Map<string, number[]>()
  const all = variants(scram, trust)
  // Each round runs every variant once, in a rotated order, so a slow patch of the machine hits all alike.
  for (let round = 0; round < rounds; round++) {
    const shift = round % all.length
    for (const [name, measure] of [...all.slice(shift), ...all.slice(0, shift)]) {
      results.set(name, [...(results.get(name) ?? []), ...(await measure())])
    }
  }
  report(`PostgreSQL ${scram.services[0]?.version} (${provider})`, results)
}

// The SCRAM variants share one server: each sets the superuser's secret with its iteration count first.
function variants(scram: ServiceSet, trust: ServiceSet): Array<[string, () => Promise<number[]>]> {
  const url = scram.services[0]?.url ?? ''
  const { port, password } = new URL(url)
  const socket = socketUrl(join(runOf(scram).dir, 'db'), Number(port))
  const trustUrl = new URL(trust.services[0]?.url ?? '')
  trustUrl.password = ''
  const withIterations = (iterations: number) => async () => {
    await lockSuperuser(socket, scramVerifier(password, iterations))
    return connectMany(url)
  }
  return [
    ['trust (before)', () => connectMany(trustUrl.href)],
    ['SCRAM, 4096 iterations (the default)', withIterations(4096)],
    ['SCRAM, 1 iteration (testbed)', withIterations(1)],
  ]
}

async function connectMany(url: string): Promise<number[]> {
  const times: number[] = []
  for (let i = 0; i < connections; i++) {
    const started = performance.now()
    const client = new pg.Client(url)
    await client.connect()
    await client.query('SELECT 1')
    await client.end()
    times.push(performance.now() - started)
  }
  return times
}

function report(title: string, results: Map<string, number[]>): void {
  console.log(`\n${title}: connect + SELECT 1 + close, per connection`)
  printTimingsTable(results, 40, 2)
}
