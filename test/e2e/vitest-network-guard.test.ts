import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { tempDir } from '../test-utils/temp-dir.ts'
import { RESULTS, vitestProject } from '../test-utils/vitest-project.ts'

// Runs of throwaway projects whose integration tests send traffic to hosts on the network, with
// every DNS lookup and TCP connect of every process of the run recorded (NODE_OPTIONS=--import).
const RECORDER = fileURLToPath(new URL('../fixtures/network-recorder.ts', import.meta.url))
/** A server on 127.0.0.1 standing in for the network: names under `.invalid` resolve to it while recorded. */
let standIn: { port: number; close(): void }
beforeAll(async () => {
  const server = createServer((req, res) => res.end(`stand-in got ${req.method} ${req.url}`))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  standIn = { port: (server.address() as AddressInfo).port, close: () => server.close() }
})
afterAll(() => standIn.close())

interface Recorded {
  lookups: string[]
  connects: string[]
}

function recorded(file: string): Recorded {
  const entries = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { lookup?: string; connect?: string })
  return {
    lookups: [...new Set(entries.flatMap((entry) => (entry.lookup ? [entry.lookup] : [])))].sort(),
    connects: [...new Set(entries.flatMap((entry) => (entry.connect ? [entry.connect] : [])))].sort(),
  }
}

function recordedEnv(): { env: NodeJS.ProcessEnv; file: string } {
  const file = join(tempDir('testbed-network-'), 'network.jsonl')
  return {
    file,
    env: {
      NODE_OPTIONS: `--import ${RECORDER}`,
      NETWORK_RECORD: file,
      TESTBED_INTEGRATION: '1',
      STAND_IN_PORT: String(standIn.port),
    },
  }
}

function unhandledRequest(method: string, url: string): string {
  return [
    `TestbedError: [testbed] Unhandled outbound request in an integration test: ${method} ${url}.`,
    'No http mock answers it, and integration tests do not reach the network: testbed failed it before any DNS lookup or connection, and fails the test even if the app caught the error. Mock it with the `http` fixture (`http.' +
      method.toLowerCase() +
      `('${url}').reply(…)\`), or let this test reach the network with \`{ meta: { unhandledHttp: 'bypass' } }\` (every test: \`unhandledHttp: 'bypass'\` in testbed.config.ts).`,
  ].join('\n')
}

const isLoopbackEntry = (entry: string) => /^(127\.0\.0\.1|localhost)(:\d+)?$/.test(entry)

describe('the network guard of integration tests', () => {
  test.concurrent('fails traffic to the network, naming method and URL, without any DNS lookup or connect beyond loopback', async () => {
    const project = vitestProject('network-guard', {}, 'network-guard-project')
    const { env, file } = recordedEnv()
    const files = ['tests/integration/calls-api.test.ts', 'tests/integration/hooks.test.ts']
    const result = await project.vitest([...files, ...RESULTS], env)
    expect(result.code).toBe(1)
    expect(project.results()).toEqual({
      'calls through node:http': 'failed',
      'catches the error, and fails all the same': 'failed',
      'fetches a third-party API': 'failed',
      'looks a host up': 'failed',
      'reaches loopback, *.localhost included': 'passed',
      'runs after the hook': 'passed',
    })
    const output = result.stdout + result.stderr
    expect(output).toContain(unhandledRequest('GET', 'http://api.example.invalid/x'))
    expect(output).toContain(unhandledRequest('POST', 'http://api.example.invalid/x'))
    expect(output).toContain(unhandledRequest('GET', 'http://api.example.invalid/y'))
    expect(output).toContain(unhandledRequest('GET', 'http://api.example.invalid/setup'))
    expect(output).toContain(
      [
        'TestbedError: [testbed] Unhandled DNS lookup in an integration test: db.example.invalid.',
        "Integration tests do not reach the network, and this lookup is not part of an HTTP request an http mock could answer (a database driver, a raw socket, `dns.lookup`): testbed failed it, so nothing was sent, and fails the test even if the app caught the error. Point the client at a service on this machine (such as those testbed starts), or let this test reach the network with `{ meta: { unhandledHttp: 'bypass' } }` (every test: `unhandledHttp: 'bypass'` in testbed.config.ts).",
      ].join('\n'),
    )
    // The recorder saw the loopback test's lookup of `localhost` (for app.localhost) and its
    // connects, so it ran in the worker; it saw nothing else.
    const { lookups, connects } = recorded(file)
    expect(lookups).toContain('localhost')
    expect(lookups.filter((entry) => !isLoopbackEntry(entry))).toEqual([])
    expect(connects.length).toBeGreaterThan(0)
    expect(connects.filter((entry) => !isLoopbackEntry(entry))).toEqual([])
  })

  test.concurrent('lets a test, a describe block or a whole project through on request, and leaves unit tests alone', async () => {
    const project = vitestProject('network-guard-opt-outs', {}, 'network-guard-project')
    const { env, file } = recordedEnv()
    const files = ['tests/integration/opt-outs.test.ts', 'tests/unit']
    const result = await project.vitest([...files, ...RESULTS], env)
    expect(result.code).toBe(1)
    expect(project.results()).toEqual({
      'a describe block with meta lets its tests through': 'passed',
      'a describe block with test.override lets its tests through': 'passed',
      'a unit test is left alone': 'passed',
      'fails the others': 'failed',
      'lets one test through with meta': 'passed',
      'warns with meta': 'passed',
    })
    const output = result.stdout + result.stderr
    expect(output).toContain(unhandledRequest('GET', `http://api.example.invalid:${standIn.port}/strict`))
    expect(output).toContain(
      `[testbed] Outbound traffic of an integration test reached the network (unhandledHttp: 'warn'): GET http://api.example.invalid:${standIn.port}/warn.\n`,
    )
    expect(recorded(file).lookups).toContain('api.example.invalid')

    project.write({
      'testbed.config.ts':
        "import { defineConfig } from 'testbed'\nexport default defineConfig({ services: {}, unhandledHttp: 'bypass' })\n",
    })
    const bypassed = await project.vitest([...files, ...RESULTS], recordedEnv().env)
    expect(bypassed.code).toBe(0)
    expect(project.results()['fails the others']).toBe('passed')
  })
})
