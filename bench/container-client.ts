// Which client the docker provider uses: dockerode against testcontainers-node, measured in one run
// against the same engine and image (decisions/0030); and the provider itself (startServices with
// `provider: 'docker'`) against them and against the embedded default. Per variant: start to the
// first answered query (`SHOW server_version`), then removal, alternating the order each round;
// plus the first-use cost in a fresh process (import the library, reach the engine). Never fails on time.
// Usage: DOCKER_HOST=… npm run bench:containers -- [--samples N] [--image testbed-local/postgres:18]
import { execFile, execFileSync } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import { parseArgs, promisify } from 'node:util'
import Docker from 'dockerode'
import { probePostgres } from '../src/services/postgres/postgres-probe.ts'
import { postgres } from '../src/services/postgres/postgres-service.ts'
import { startServices } from '../src/services/service-set.ts'
import { printTimingsTable } from './timings-table.ts'

const run = promisify(execFile)
const { values } = parseArgs({
  options: {
    samples: { type: 'string', default: '5' },
    image: { type: 'string', default: 'testbed-local/postgres:18' },
  },
})
const samples = Number(values.samples)
const image = values.image
const PASSWORD = 'bench'
process.env.TESTBED_QUIET = '1'
// The image's VOLUME (official 18 layout): a tmpfs exactly there, as testbed mounts it.
const DATA = '/var/lib/postgresql'
process.env.TESTCONTAINERS_RYUK_DISABLED = 'true'

async function untilAnswers(port: string | number): Promise<void> {
  const url = `postgresql://postgres:${PASSWORD}@127.0.0.1:${port}/postgres`
  while (!(await probePostgres(url)).ok) await sleep(25)
}

// testbed's servers have passwords of their own: the URL it hands out is the one to query.
async function untilTestbedAnswers(url: string): Promise<void> {
  while (!(await probePostgres(url)).ok) await sleep(25)
}

async function viaDockerode(): Promise<number> {
  const started = performance.now()
  const docker = new Docker()
  const container = await docker.createContainer({
    Image: image,
    Env: [`POSTGRES_PASSWORD=${PASSWORD}`],
    ExposedPorts: { '5432/tcp': {} },
    HostConfig: { PortBindings: { '5432/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] }, Tmpfs: { [DATA]: 'rw' } },
  })
  await container.start()
  const port = (await container.inspect()).NetworkSettings.Ports['5432/tcp']?.[0]?.HostPort ?? ''
  await untilAnswers(port)
  const elapsed = performance.now() - started
  await container.remove({ force: true, v: true })
  return elapsed
}

// GenericContainer and its default wait (listening ports): PostgreSqlContainer waits for a health
// check, which Podman without systemd never runs (it times out after 120 s there).
async function viaTestcontainers(): Promise<number> {
  const { GenericContainer } = await import('testcontainers')
  const started = performance.now()
  const container = await new GenericContainer(image)
    .withEnvironment({ POSTGRES_PASSWORD: PASSWORD })
    .withExposedPorts(5432)
    .withTmpFs({ [DATA]: 'rw' })
    .start()
  await untilAnswers(container.getMappedPort(5432))
  const elapsed = performance.now() - started
  await container.stop()
  return elapsed
}

async function viaDockerRun(): Promise<number> {
  const started = performance.now()
  const args = ['run', '-d', '--tmpfs', DATA, '-p', '127.0.0.1::5432', '-e', `POSTGRES_PASSWORD=${PASSWORD}`, image]
  const id = (await run('docker', args)).stdout.trim()
  const port = (await run('docker', ['port', id, '5432'])).stdout.split('\n')[0]?.split(':').pop() ?? ''
  await untilAnswers(port)
  const elapsed = performance.now() - started
  await run('docker', ['rm', '-f', '-v', id])
  return elapsed
}

// The provider as users get it: labels, tmpfs on the image's volumes, the password put in a file, the record.
async function viaTestbed(provider: 'docker' | 'embedded'): Promise<number> {
  const started = performance.now()
  const options = provider === 'docker' ? { provider, image } : { provider }
  const set = await startServices({ db: postgres(options) }, { projectDir: process.cwd() })
  await untilTestbedAnswers(set.services[0]?.url ?? '')
  const elapsed = performance.now() - started
  await set.stop()
  return elapsed
}

// A fresh process: what the first start of a run pays before its first container.
function firstUse(script: string): number {
  const started = performance.now()
  execFileSync(process.execPath, ['--input-type=module', '-e', script], { stdio: 'ignore' })
  return performance.now() - started
}

const FIRST_USE = {
  'node alone': 'process.exit(0)',
  'dockerode: import + ping': "const D = (await import('dockerode')).default; await new D().ping()",
  'testcontainers: import + runtime': "const t = await import('testcontainers'); await t.getContainerRuntimeClient()",
}

const VARIANTS = {
  dockerode: viaDockerode,
  testcontainers: viaTestcontainers,
  'docker run + query loop': viaDockerRun,
  'testbed docker provider': () => viaTestbed('docker'),
  'testbed embedded (default)': () => viaTestbed('embedded'),
}
const results = new Map<string, number[]>()
const record = (name: string, ms: number) => results.set(name, [...(results.get(name) ?? []), ms])
await viaDockerode() // warm the engine's image cache and page cache once, unrecorded
for (let round = 0; round < samples; round++) {
  const names = Object.keys(VARIANTS) as (keyof typeof VARIANTS)[]
  for (const name of round % 2 === 0 ? names : names.reverse()) record(`start → query: ${name}`, await VARIANTS[name]())
  for (const [name, script] of Object.entries(FIRST_USE)) record(`first use: ${name}`, firstUse(script))
}
console.log(
  `${samples} samples per variant, image ${image}, engine ${(await new Docker().version()).Components?.[0]?.Name}`,
)
printTimingsTable(results, 44)
const median = (name: string) => [...(results.get(name) ?? [])].sort((a, b) => a - b)[Math.floor(samples / 2)] ?? 0
const ratio = (a: string, b: string) => console.log(`${a} / ${b}: ${(median(a) / median(b)).toFixed(2)}×`)
ratio('start → query: testcontainers', 'start → query: dockerode')
ratio('start → query: docker run + query loop', 'start → query: dockerode')
ratio('first use: testcontainers: import + runtime', 'first use: dockerode: import + ping')
ratio('start → query: testbed docker provider', 'start → query: testcontainers')
ratio('start → query: testbed docker provider', 'start → query: docker run + query loop')
ratio('start → query: testbed docker provider', 'start → query: testbed embedded (default)')
