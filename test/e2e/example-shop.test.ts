// The example shop's whole suite, run the way `npm run demo` runs it, once per isolation strategy.
import { execFileSync, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { stripVTControlCharacters } from 'node:util'
import { beforeAll, describe, expect, test } from 'vitest'

const repo = fileURLToPath(new URL('../..', import.meta.url))
const demo = fileURLToPath(new URL('../../examples/shop/run-demo.ts', import.meta.url))

beforeAll(() => {
  // The example imports testbed by name, which resolves to dist/: build it from the current source.
  execFileSync(process.execPath, [`${repo}/node_modules/typescript/bin/tsc`, '-p', `${repo}/tsconfig.build.json`])
}, 120_000)

function runDemo(isolation: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [demo], {
      env: { ...process.env, TESTBED_ISOLATION: isolation, TESTBED_QUIET: '', ...env },
    })
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    // Vitest colours its summary even into a pipe; the assertions read the words.
    child.on('close', (code) => resolve({ code, output: stripVTControlCharacters(output) }))
  })
}

describe('the example shop', () => {
  for (const isolation of ['transaction', 'database', 'reset']) {
    test(`passes its whole suite with isolation ${isolation}`, async () => {
      const { code, output } = await runDemo(isolation)
      expect(output).toMatch(/Tests\s+30 passed \(30\)/)
      expect(output).toContain('testbed: within budget')
      expect(code).toBe(0)
    }, 180_000)
  }
})

test('without redis-server, the tests that need Redis are skipped with one line saying how to get it', async () => {
  // Nor a container engine, whose docker provider would serve Redis.
  const machine = { TESTBED_REDIS_SERVER: '/nonexistent/redis-server', DOCKER_HOST: 'unix:///nonexistent/docker.sock' }
  const { code, output } = await runDemo('transaction', machine)
  expect(output).toContain(
    '! cache: no Redis on this machine, so the tests that use it are skipped. Install redis-server (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis), or set TESTBED_REDIS_URL to a running server.\n',
  )
  expect(output).toMatch(/Tests\s+9 passed \| 21 skipped \(30\)/)
  expect(code).toBe(0)
}, 180_000)

test('without the Firestore emulator (nothing on PATH, no SDK), the review tests are skipped with one line saying how to get it', async () => {
  const { code, output } = await runDemo('transaction', {
    PATH: '/nonexistent',
    CLOUDSDK_ROOT_DIR: '/nonexistent',
    DOCKER_HOST: 'unix:///nonexistent/docker.sock',
  })
  expect(output).toContain(
    '! firestore: no Firestore emulator on this machine, so the tests that use it are skipped. To get it: install it (Debian/Ubuntu: apt-get install google-cloud-cli-firestore-emulator; elsewhere: gcloud components install cloud-firestore-emulator), or set FIRESTORE_EMULATOR_HOST to a running emulator; `npx testbed doctor` says what is missing.\n',
  )
  expect(output).toMatch(/Tests\s+24 passed \| 6 skipped \(30\)/)
  expect(code).toBe(0)
}, 180_000)
