// Requests per second of createClient (in-process, no port) against supertest (a server on an
// ephemeral port per request) on the same Express, Fastify and Hono apps (test/fixtures/http-apps.ts), in one run,
// and against the framework's handler called with a prepared request: the limit an in-process client can reach.
// Machines are noisy, so this prints medians of rotated rounds and ratios from the same run, and
// never fails on time. Usage: npx node bench/http-client.ts [--seconds 1] [--rounds 5] [--skip-supertest]
import { availableParallelism } from 'node:os'
import { parseArgs } from 'node:util'
import { createAdaptorServer } from '@hono/node-server'
import supertest from 'supertest'
import { injectIntoListener, type NodeListener } from '../src/http/client/node-inject.ts'
import { createClient } from '../src/public/http.ts'
import { expressApp, fastifyApp, honoApp } from '../test/fixtures/http-apps.ts'

const GOAL = { framework: 'Express', ratio: 5 }
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '5' },
    'skip-supertest': { type: 'boolean', default: false },
  },
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

const ORIGIN = new URL('http://localhost/')
const USER_BODY = new TextEncoder().encode(JSON.stringify({ email: 'a@example.com' }))
const PREPARED = [
  { method: 'GET', path: '/users/42', headers: new Headers(), body: undefined },
  { method: 'POST', path: '/users', headers: new Headers({ 'content-type': 'application/json' }), body: USER_BODY },
]

/**
 * The request listener called with req/res on an in-memory socket, from requests built once: what is
 * left when nothing of the client runs (no headers merged, no body encoded, no cookies, no response object).
 */
function viaListener(listener: NodeListener): Exchange {
  return async (step) => (await injectIntoListener(listener, PREPARED[step % 2] as never, ORIGIN)).status
}

/** `app.fetch` with a Request made from prepared parts (a Request with a body is used up once read), body read. */
function viaFetch(fetch: (request: Request) => Response | Promise<Response>): Exchange {
  const get = 'http://localhost/users/42'
  const post = 'http://localhost/users'
  const postInit = { method: 'POST', headers: { 'content-type': 'application/json' } }
  return async (step) => {
    const request = step % 2 === 0 ? new Request(get) : new Request(post, { ...postInit, body: USER_BODY })
    const response = await fetch(request)
    await response.arrayBuffer()
    return response.status
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
const express = expressApp()
const variants: Array<[string, string, Exchange]> = [
  ['Express', 'createClient', viaClient(express)],
  ['Express', 'handler, prepared request', viaListener(express)],
  ['Express', 'supertest', viaSupertest(expressApp())],
  ['Fastify', 'createClient', viaClient(fastify)],
  ['Fastify', 'handler, prepared request', viaListener(fastify.server.listeners('request')[0] as NodeListener)],
  ['Fastify', 'supertest', viaSupertest(fastify.server)],
  ['Hono', 'createClient', viaClient(hono)],
  ['Hono', 'handler, prepared request', viaFetch(hono.fetch)],
  ['Hono', 'supertest (@hono/node-server)', viaSupertest(createAdaptorServer({ fetch: hono.fetch }))],
]

if (values['skip-supertest'])
  variants.splice(0, variants.length, ...variants.filter(([, client]) => !client.startsWith('supertest')))
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
console.log('\n| framework | time per request, createClient / handler (goal ≤ 1.5×) |\n|---|---:|')
for (const framework of ['Express', 'Fastify', 'Hono']) {
  const ours = median(samples.get(`${framework}\tcreateClient`) ?? [])
  const limit = median(samples.get(`${framework}\thandler, prepared request`) ?? [])
  console.log(`| ${framework} | ${(limit / ours).toFixed(2)}× |`)
}
// Throughput windows swing with other processes on the machine; timing each request of the client and
// of the handler alternately and taking the median of each pair's ratio cancels most of that.
console.log('\n| framework | createClient / handler, median of 4,000 paired requests (goal ≤ 1.5×) |\n|---|---:|')
for (const framework of ['Express', 'Fastify', 'Hono']) {
  const find = (client: string) => variants.find(([f, c]) => f === framework && c === client)?.[2] as Exchange
  console.log(
    `| ${framework} | ${(await pairedRatio(find('createClient'), find('handler, prepared request'))).toFixed(2)}× |`,
  )
}
await fastify.close()

async function pairedRatio(ours: Exchange, limit: Exchange): Promise<number> {
  const ratios: number[] = []
  for (let step = 0; step < 4000; step++) {
    const first = performance.now()
    await ours(step)
    const second = performance.now()
    await limit(step)
    ratios.push((second - first) / (performance.now() - second))
  }
  return median(ratios)
}

if (!values['skip-supertest']) console.log('\n| framework | createClient / supertest |\n|---|---:|')
for (const framework of values['skip-supertest'] ? [] : ['Express', 'Fastify', 'Hono']) {
  const ours = median(samples.get(`${framework}\tcreateClient`) ?? [])
  const theirs = median([...samples].find(([key]) => key.startsWith(`${framework}\tsupertest`))?.[1] ?? [])
  const ratio = ours / theirs
  const goal = framework === GOAL.framework ? ` (goal ≥ ${GOAL.ratio}×: ${ratio >= GOAL.ratio ? 'PASS' : 'MISS'})` : ''
  console.log(`| ${framework} | ${ratio.toFixed(1)}×${goal} |`)
}
