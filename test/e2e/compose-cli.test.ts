import { execFileSync, spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, onTestFinished, test } from 'vitest'
import { parse } from 'yaml'
import { firestore } from '../../src/services/firestore/firestore-service.ts'
import { postgres } from '../../src/services/postgres/postgres-service.ts'
import { redis } from '../../src/services/redis/redis-service.ts'
import { startServices } from '../../src/services/service-set.ts'
import { pgQuery, redisPing } from '../test-utils/clients.ts'
import {
  containerEngineMissing,
  docker,
  FIRESTORE_TEST_IMAGE,
  firestoreImageMissing,
  TEST_IMAGES,
} from '../test-utils/container-engine.ts'
import { runTestbed } from '../test-utils/run-cli.ts'
import { testProject } from '../test-utils/test-project.ts'

const SERVICES = `{
  db: postgres({ image: '${TEST_IMAGES.postgres}' }),
  cache: redis({ image: '${TEST_IMAGES.redis}' }),
}`
const COMPOSE_V1 = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0

test('`testbed compose` writes docker-compose.test.yml once, leaves it as it is when up to date, and refuses to overwrite a hand edit without --force', async () => {
  await using project = testProject(SERVICES)
  const file = join(project.dir, 'docker-compose.test.yml')
  const first = await runTestbed(['compose'], { cwd: project.dir })
  expect(first.stdout).toBe(
    [
      'testbed: created docker-compose.test.yml:',
      `  db: ${TEST_IMAGES.postgres} on 127.0.0.1:25432:5432`,
      `  cache: ${TEST_IMAGES.redis} on 127.0.0.1:26379:6379`,
      'Start it: docker compose -f docker-compose.test.yml up --wait',
      'Then run the tests against it with:',
      "  export TESTBED_DB_URL='postgresql://postgres:testbed@127.0.0.1:25432/postgres'",
      "  export TESTBED_CACHE_URL='redis://default:testbed@127.0.0.1:26379'",
      '',
    ].join('\n'),
  )
  const written = readFileSync(file, 'utf8')
  const compose = parse(written)
  expect(compose.services.db).toMatchObject({
    image: TEST_IMAGES.postgres,
    environment: { POSTGRES_USER: 'postgres', POSTGRES_PASSWORD: 'testbed' },
    ports: ['127.0.0.1:25432:5432'],
    tmpfs: ['/var/lib/postgresql'],
    healthcheck: { test: ['CMD', 'pg_isready', '--host=127.0.0.1', '--username=postgres', '--dbname=postgres'] },
  })
  expect(compose.services.cache.command).toEqual([
    'redis-server',
    '--save',
    '',
    '--appendonly',
    'no',
    '--databases',
    '256',
    '--requirepass',
    'testbed',
  ])

  const again = await runTestbed(['compose'], { cwd: project.dir })
  expect(again.stdout.split('\n')[0]).toBe('testbed: docker-compose.test.yml is up to date:')
  expect(readFileSync(file, 'utf8')).toBe(written)

  writeFileSync(file, written.replace('retries: 60', 'retries: 5'))
  const refused = await runTestbed(['compose'], { cwd: project.dir })
  expect(refused.code).toBe(1)
  expect(refused.stderr).toBe(
    '[testbed] Not replacing a compose file edited by hand: docker-compose.test.yml.\n' +
      'It was changed since testbed wrote it: its checksum line no longer matches; writing it again would lose those edits. ' +
      'Run `testbed compose --force` to replace it anyway, or move your changes into testbed.config.ts and run `testbed compose --force` once.\n' +
      'Read more: node_modules/testbed/docs/errors.md#testbed_compose_hand_edited\n',
  )
  const forced = await runTestbed(['compose', '--force'], { cwd: project.dir })
  expect(forced.stdout.split('\n')[0]).toBe('testbed: updated docker-compose.test.yml:')
  expect(readFileSync(file, 'utf8')).toBe(written)
})

describe.skipIf(!COMPOSE_V1)(
  `docker-compose${COMPOSE_V1 ? '' : ' — skipped: docker-compose is not installed (apt-get install docker-compose)'}`,
  () => {
    test('validates the file: `docker-compose config` accepts it', async () => {
      await using project = testProject(SERVICES)
      await runTestbed(['compose'], { cwd: project.dir })
      const checked = spawnSync('docker-compose', ['-f', 'docker-compose.test.yml', 'config', '--quiet'], {
        cwd: project.dir,
        encoding: 'utf8',
      })
      expect(checked.stderr).toBe('')
      expect(checked.status).toBe(0)
    })

    const missing = containerEngineMissing()
    test.skipIf(missing)(
      `runs under the engine: health checks pass, and the suite attaches to the stack${missing ? ` — skipped: ${missing}` : ''}`,
      async () => {
        await using project = testProject(SERVICES)
        await runTestbed(['compose'], { cwd: project.dir })
        const compose = (...args: string[]) =>
          execFileSync('docker-compose', ['-f', 'docker-compose.test.yml', ...args], {
            cwd: project.dir,
            stdio: 'pipe',
          })
        // Down before the project folder goes (its file names the stack), whatever the test found.
        await using _stack = { [Symbol.asyncDispose]: async () => void compose('down', '--volumes') }
        compose('up', '--detach')
        // Podman without systemd never runs health checks itself: run each one as the engine would.
        for (const service of ['db', 'cache']) await untilHealthy(compose('ps', '--quiet', service).toString().trim())

        const env = parse(readFileSync(join(project.dir, 'docker-compose.test.yml'), 'utf8'))['x-testbed-env']
        Object.assign(process.env, env)
        onTestFinished(() => {
          for (const name of Object.keys(env)) delete process.env[name]
        })
        await using set = await startServices({ db: postgres(), cache: redis() }, { projectDir: project.dir })
        const byName = Object.fromEntries(set.services.map((service) => [service.name, service]))
        expect([byName.db?.provider, byName.cache?.provider]).toEqual(['external', 'external'])
        expect(await pgQuery(byName.db?.url ?? '', 'SHOW fsync')).toEqual([{ fsync: 'off' }])
        expect(await redisPing(byName.cache?.url ?? '')).toBe('PONG')
      },
    )
  },
)

const firestoreMissing = COMPOSE_V1 ? firestoreImageMissing() : 'docker-compose is not installed'
test.skipIf(firestoreMissing)(
  `Firestore: the emulator with a health check that passes under the engine, and a suite attaches to it${firestoreMissing ? ` — skipped: ${firestoreMissing}` : ''}`,
  async () => {
    await using project = testProject(`{ reviews: firestore({ image: '${FIRESTORE_TEST_IMAGE}' }) }`)
    const written = await runTestbed(['compose'], { cwd: project.dir })
    expect(written.stdout.split('\n').slice(0, 2)).toEqual([
      'testbed: created docker-compose.test.yml:',
      `  reviews: ${FIRESTORE_TEST_IMAGE} on 127.0.0.1:28080:8080`,
    ])
    const file = parse(readFileSync(join(project.dir, 'docker-compose.test.yml'), 'utf8'))
    expect(file.services.reviews).toMatchObject({
      command: ['gcloud', 'emulators', 'firestore', 'start', '--host-port=0.0.0.0:8080'],
      ports: ['127.0.0.1:28080:8080'],
      healthcheck: { test: ['CMD-SHELL', 'curl -fs http://127.0.0.1:8080/ | grep -q Ok'] },
    })
    expect(file['x-testbed-env']).toEqual({ TESTBED_REVIEWS_URL: 'http://127.0.0.1:28080' })
    const compose = (...args: string[]) =>
      execFileSync('docker-compose', ['-f', 'docker-compose.test.yml', ...args], { cwd: project.dir, stdio: 'pipe' })
    await using _stack = { [Symbol.asyncDispose]: async () => void compose('down', '--volumes') }
    compose('up', '--detach')
    await untilHealthy(compose('ps', '--quiet', 'reviews').toString().trim())
    process.env.TESTBED_REVIEWS_URL = file['x-testbed-env'].TESTBED_REVIEWS_URL
    onTestFinished(() => {
      delete process.env.TESTBED_REVIEWS_URL
    })
    await using set = await startServices({ reviews: firestore() }, { projectDir: project.dir })
    expect(set.services[0]?.provider).toBe('external')
    expect(set.env()).toMatchObject({ FIRESTORE_EMULATOR_HOST: '127.0.0.1:28080' })
  },
)

async function untilHealthy(container: string): Promise<void> {
  const check = JSON.parse(docker(['inspect', '--format', '{{json .Config.Healthcheck.Test}}', container]).stdout)
  const command = check[0] === 'CMD-SHELL' ? ['sh', '-c', check[1]] : check.slice(1)
  const deadline = Date.now() + 60_000
  while (docker(['exec', container, ...command]).status !== 0) {
    if (Date.now() > deadline) throw new Error(`the health check of ${container} did not pass within 60 s`)
    await sleep(200)
  }
}
