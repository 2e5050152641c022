// Requests per second of createClient (in-process, no port) against supertest (a server on an
// ephemeral port per request) on the same Express, Fastify and Hono apps (test/fixtures/http-apps.ts), in one run.
// Machines are noisy, so this prints medians of rotated rounds and ratios from the same run, and
// never fails on time. Usage: npx node bench/http-client.ts [--seconds 1] [--rounds 5]
import { availableParallelism } from 'node:os'
import { parseArgs } from 'node:util'
import { createAdaptorServer } from '@hono/node-server'
import supertest from 'supertest'
import { createClient } from '../src/public/http.ts'
import { expressApp, fastifyApp, honoApp } from '../test/fixtures/http-apps.ts'

const GOAL = { framework: 'Express', ratio: 5 }
const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '1' }, rounds: { type: 'string', default: '5' } },
})
const windowMs = Number(values.seconds) * 1000
const rounds = Number(values.rounds)

/** One GET and one POST: what an API test mostly sends. */
type Exchange = (step: number) => Promise<number>

function viaClient(app: Parameters<typeof createClient>[0]): Exchange {
  const api = createClient(app)
  return async (step) => {
    const res =
      step % 2 === 0 ? await api.get('/users/42') : await api.post('/users', { json: { email: 'a@example.com' } })
    return res.status
  }
}

function viaSupertest(app: Parameters<typeof supertest>[0]): Exchange {
  return async (step) => {
    const res =
      step % 2 === 0
        ? await supertest(app).get('/users/42')
        : await supertest(app).post('/users').send({ email: 'a@example.com' })
    return res.status
  }
}

/** Requests completed in one window, sequentially, as a test sends them. */
async function requestsPerSecond(exchange: Exchange): Promise<number> {
  const started = performance.now()
  let count = 0
  while (performance.now() - started < windowMs) {
    const status = await exchange(count)
    if (status !== 200 && status !== 201) throw new Error(`unexpected status ${status}`)
    count++
  }
  return count / ((performance.now() - started) / 1000)
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}

const fastify = fastifyApp()
await fastify.ready()
const hono = honoApp()
const variants: Array<[string, string, Exchange]> = [
  ['Express', 'createClient', viaClient(expressApp())],
  ['Express', 'supertest', viaSupertest(expressApp())],
  ['Fastify', 'createClient', viaClient(fastify)],
  ['Fastify', 'supertest', viaSupertest(fastify.server)],
  ['Hono', 'createClient', viaClient(hono)],
  ['Hono', 'supertest (@hono/node-server)', viaSupertest(createAdaptorServer({ fetch: hono.fetch }))],
]

const samples = new Map<string, number[]>()
for (const [, , exchange] of variants) for (let i = 0; i < 200; i++) await exchange(i) // warm-up
for (let round = 0; round < rounds; round++) {
  // Rotate the order, so no variant always runs on a warmer or quieter machine.
  for (let i = 0; i < variants.length; i++) {
    const [framework, client, exchange] = variants[(i + round) % variants.length] as (typeof variants)[number]
    const key = `${framework}\t${client}`
    samples.set(key, [...(samples.get(key) ?? []), await requestsPerSecond(exchange)])
  }
}
await fastify.close()

console.log(
  `Node ${process.version}, ${availableParallelism()} cores, ${rounds} rounds of ${windowMs} ms, GET and POST alternating`,
)
console.log('\n| framework | client | requests/s (median) | min | max |\n|---|---|---:|---:|---:|')
for (const [key, values] of samples) {
  const [framework, client] = key.split('\t')
  const round = (n: number) => Math.round(n).toLocaleString('en-US')
  console.log(
    `| ${framework} | ${client} | ${round(median(values))} | ${round(Math.min(...values))} | ${round(Math.max(...values))} |`,
  )
}
console.log('\n| framework | createClient / supertest |\n|---|---:|')
for (const framework of ['Express', 'Fastify', 'Hono']) {
  const ours = median(samples.get(`${framework}\tcreateClient`) ?? [])
  const theirs = median([...samples].find(([key]) => key.startsWith(`${framework}\tsupertest`))?.[1] ?? [])
  const ratio = ours / theirs
  const goal = framework === GOAL.framework ? ` (goal ≥ ${GOAL.ratio}×: ${ratio >= GOAL.ratio ? 'PASS' : 'MISS'})` : ''
  console.log(`| ${framework} | ${ratio.toFixed(1)}×${goal} |`)
}
