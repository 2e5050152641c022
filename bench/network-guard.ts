// What the network guard of integration tests costs, against no guard, in one run:
// - per worker: a fresh Node process (spawn to exit) that sends one loopback request, bare; with
//   the guard installed (a test file that only talks to loopback); and with the guard installed
//   and one request to the network failed (which loads the interceptor);
// - per test: a test body run inside `runGuarded('error', …)`, with the guard as most files have it
//   (interceptor not loaded) and once the interceptor is loaded, against the same body run bare with
//   no guard; bodies: empty, one fetch to a loopback HTTP server (keep-alive), one new TCP
//   connection to a loopback server speaking a non-HTTP protocol (as a database driver opens one).
// The children load testbed from dist/ as users do: run `npm run build` first.
// Machines are noisy, so rounds alternate the variants and the script prints medians and ratios
// from the same run, and never fails on time. Usage: npx node bench/network-guard.ts [--rounds 7] [--tests 300]
import { spawnSync } from 'node:child_process'
import { createServer } from 'node:http'
import net, { type AddressInfo } from 'node:net'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { installNetworkGuard, runGuarded, uninstallNetworkGuard } from '../src/http/guard/network-guard.ts'

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '7' }, tests: { type: 'string', default: '300' } },
})
const rounds = Number(values.rounds)
const testsPerRound = Number(values.tests)
const GUARD = fileURLToPath(new URL('../dist/http/guard/network-guard.js', import.meta.url))

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}

/** Milliseconds from spawn to exit of a Node process running `code`. */
function processMs(code: string): number {
  const started = performance.now()
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', code], { stdio: 'inherit' })
  if (result.status !== 0) throw new Error(`the child process failed: ${code}`)
  return performance.now() - started
}

// Each child answers itself on a loopback server, so only the guard differs.
const LOOPBACK_REQUEST = [
  "const { createServer } = await import('node:http')",
  "const server = createServer((_req, res) => res.end('ok')).listen(0, '127.0.0.1')",
  "await new Promise((resolve) => server.once('listening', resolve))",
  "await (await fetch('http://127.0.0.1:' + server.address().port + '/')).text()",
  'server.close()',
].join('; ')
const LOAD_GUARD = `const guard = await import(${JSON.stringify(GUARD)}); guard.installNetworkGuard()`
const FAIL_ONE =
  "await guard.runGuarded('error', () => fetch('http://api.example.invalid/').catch(() => undefined)).catch(() => undefined)"
const workerVariants: Array<[string, string]> = [
  ['no guard', LOOPBACK_REQUEST],
  ['guard, loopback only', `${LOAD_GUARD}; await guard.runGuarded('error', async () => { ${LOOPBACK_REQUEST} })`],
  ['guard, one request to the network failed', `${LOAD_GUARD}; ${FAIL_ONE}; ${LOOPBACK_REQUEST}`],
]

async function loopbackServers() {
  const http = createServer((_req, res) => res.end('ok'))
  const tcp = net.createServer((socket) => socket.on('data', () => socket.end('+PONG\r\n')))
  await Promise.all([http, tcp].map((server) => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))))
  const port = (server: { address(): unknown }) => (server.address() as AddressInfo).port
  return {
    httpUrl: `http://127.0.0.1:${port(http)}/`,
    tcpPort: port(tcp),
    close: () => [http, tcp].map((s) => s.close()),
  }
}

const servers = await loopbackServers()
const bodies: Array<[string, () => Promise<unknown>]> = [
  ['empty test', async () => undefined],
  ['one loopback fetch', async () => (await fetch(servers.httpUrl)).text()],
  [
    'one new loopback TCP connection (non-HTTP)',
    () =>
      new Promise((resolve, reject) => {
        const socket = net.connect(servers.tcpPort, '127.0.0.1', () => socket.write('PING\r\n'))
        socket.on('data', resolve).on('error', reject)
      }),
  ],
]

type Setup = 'no guard' | 'guard' | 'guard + interceptor'
const SETUPS: Setup[] = ['no guard', 'guard', 'guard + interceptor']

/** Installs the guard as `setup` says; `guard + interceptor` fails one request to the network, which loads the interceptor. */
async function prepare(setup: Setup): Promise<void> {
  uninstallNetworkGuard()
  if (setup === 'no guard') return
  installNetworkGuard()
  if (setup === 'guard + interceptor') {
    const failOne = () => fetch('http://api.example.invalid/').catch(() => undefined)
    await runGuarded('error', failOne).catch(() => undefined)
  }
}

/** Microseconds per test, over `testsPerRound` sequential tests. */
async function perTestMicros(body: () => Promise<unknown>, setup: Setup): Promise<number> {
  const started = performance.now()
  for (let i = 0; i < testsPerRound; i++) {
    if (setup === 'no guard') await body()
    else await runGuarded('error', body)
  }
  return ((performance.now() - started) * 1000) / testsPerRound
}

const workerSamples = new Map<string, number[]>()
const testSamples = new Map<string, number[]>()
const add = (map: Map<string, number[]>, key: string, value: number) => map.set(key, [...(map.get(key) ?? []), value])
for (const setup of SETUPS) {
  await prepare(setup)
  for (const [, body] of bodies) await perTestMicros(body, setup) // warm-up
}

for (let round = 0; round < rounds; round++) {
  // Rotate the order, so no variant always runs on a warmer or quieter machine.
  for (let i = 0; i < workerVariants.length; i++) {
    const [name, code] = workerVariants[(i + round) % workerVariants.length] as [string, string]
    add(workerSamples, name, processMs(code))
  }
  for (let i = 0; i < SETUPS.length; i++) {
    const setup = SETUPS[(i + round) % SETUPS.length] as Setup
    await prepare(setup)
    for (const [name, body] of bodies) add(testSamples, `${name}\t${setup}`, await perTestMicros(body, setup))
  }
}
uninstallNetworkGuard()
servers.close()

console.log(
  `Node ${process.version}, ${availableParallelism()} cores, ${rounds} rounds, ${testsPerRound} tests per round`,
)
console.log('\nPer worker (a fresh process, spawn to exit):\n\n| variant | median | min | max |\n|---|---:|---:|---:|')
for (const [name, samples] of workerSamples) {
  console.log(
    `| ${name} | ${median(samples).toFixed(0)} ms | ${Math.min(...samples).toFixed(0)} ms | ${Math.max(...samples).toFixed(0)} ms |`,
  )
}
const bare = median(workerSamples.get('no guard') ?? [])
for (const [name, samples] of [...workerSamples].slice(1)) {
  const cost = median(samples) - bare
  console.log(`\n${name}: +${cost.toFixed(0)} ms per worker (${(median(samples) / bare).toFixed(2)}× the bare process)`)
}
console.log(
  '\nPer test (medians; cost = guarded - none):\n\n| test body | no guard | guard | guard / none | guard + interceptor | / none | cost |\n|---|---:|---:|---:|---:|---:|---:|',
)
const micros = (n: number) => `${n.toFixed(1)} µs`
for (const [name] of bodies) {
  const [none, guard, intercepted] = SETUPS.map((setup) => median(testSamples.get(`${name}\t${setup}`) ?? [])) as [
    number,
    number,
    number,
  ]
  const ratio = (n: number) => `${(n / none).toFixed(2)}×`
  console.log(
    `| ${name} | ${micros(none)} | ${micros(guard)} | ${ratio(guard)} | ${micros(intercepted)} | ${ratio(intercepted)} | ${micros(guard - none)} / ${micros(intercepted - none)} |`,
  )
}
