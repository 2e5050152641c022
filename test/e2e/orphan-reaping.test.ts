import { existsSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, test } from 'vitest'
import { isRunning } from '../../src/core/process-identity.ts'
import { type Run, reapOrphans } from '../../src/core/run-registry.ts'
import { pgQuery, redisPing } from '../test-utils/clients.ts'
import { expectNoProcessLeft, watchdogOf } from '../test-utils/processes.ts'
import { type BackgroundProcess, runTestbed, spawnTestbed } from '../test-utils/run-cli.ts'
import { processOf, serviceOf, type TestProject, testProject } from '../test-utils/test-project.ts'

const LOUD = { TESTBED_QUIET: '' }

// One test at a time: every start reaps every dead run in this file's state dir, so concurrent tests would reap
// each other's orphans before the step that is meant to.
describe('after the process that started services is SIGKILLed', () => {
  test('its watchdog stops its servers and deletes its run dir within 10 s, with no other testbed command', async () => {
    await using project = testProject()
    await using up = spawnTestbed(['services', 'up'], { cwd: project.dir })
    await up.stderrLine('Services run until you press Ctrl-C.')
    const run = project.run()
    expect(watchdogOf(run)).not.toBeNull()
    up.child.kill('SIGKILL')
    expect(await up.exited).toMatchObject({ signal: 'SIGKILL' })

    await expectNoProcessLeft(run)
    const servers = run.record.services.map((service) => serviceOf(run, service.name).process)
    expect(servers.filter(isRunning)).toEqual([])
    expect(existsSync(run.dir)).toBe(false)
  })
})

// The second line of defence, for when the watchdog is gone too (killed with its owner, or never started).
describe('after the process that started services and its watchdog are SIGKILLed', () => {
  test('its servers keep running, and the next start, from any project, stops them and deletes the run dir', async () => {
    await using project = testProject()
    await using up = spawnTestbed(['services', 'up'], { cwd: project.dir })
    await up.stderrLine('Services run until you press Ctrl-C.')
    const run = project.run()
    await killWithWatchdog(up, run)

    const postgres = serviceOf(run, 'postgres')
    const redis = serviceOf(run, 'redis')
    expect(await pgQuery(postgres.url, 'SELECT 1 AS one')).toEqual([{ one: 1 }])
    expect(await redisPing(redis.url)).toBe('PONG')

    await using other = testProject('{ cache: redis() }')
    const next = await runTestbed(['services', 'up', '--detach'], { cwd: other.dir })
    expect(next.code).toBe(0)
    await expectNothingLeftOf(run)
  })

  test('in the middle of starting, right after it said it is starting PostgreSQL, no orphan is left once reaped', async () => {
    // PostgreSQL alone: a Redis started alongside would be spawning at this very moment, and a SIGKILL between
    // its spawn and its record in run.json leaks it (a known race in startServer, not what this test is about).
    await using project = testProject('{ postgres: postgres() }')
    await using up = spawnTestbed(['services', 'up'], { cwd: project.dir, env: LOUD })
    await up.stderrLine('… postgres: starting PostgreSQL')
    const run = project.run()
    await killWithWatchdog(up, run)

    const reaped = await reapOrphans()
    expect(reaped.map((record) => record.id)).toEqual([run.record.id])
    await expectNothingLeftOf(run)
  })

  test('after its PostgreSQL server was spawned but before it was ready, no orphan is left once reaped', async () => {
    await using project = testProject()
    await using up = spawnTestbed(['services', 'up'], { cwd: project.dir, env: LOUD })
    await up.stderrLine('… postgres: starting PostgreSQL')
    // A server is recorded as soon as it is spawned, before it answers: that record is what lets it be reaped.
    const run = await recordedServer(project, 'postgres')
    await killWithWatchdog(up, run)
    expect(isRunning(serviceOf(run, 'postgres').process)).toBe(true)

    const reaped = await reapOrphans()
    expect(reaped.map((record) => record.id)).toEqual([run.record.id])
    await expectNothingLeftOf(run)
  })

  test('`services status` reaps the servers and run dir it left', async () => {
    await using project = testProject()
    await using up = spawnTestbed(['services', 'up'], { cwd: project.dir, env: LOUD })
    await up.stderrLine('… postgres: starting PostgreSQL')
    const run = await recordedServer(project, 'postgres')
    await killWithWatchdog(up, run)

    const status = await runTestbed(['services', 'status'], { cwd: project.dir })
    expect(status.stderr).toBe(
      `No services are running for ${project.dir}. Start them with \`npx testbed services up --detach\`.\n`,
    )
    await expectNothingLeftOf(run)
  })
})

async function killWithWatchdog(up: BackgroundProcess, run: Run): Promise<void> {
  const watchdog = watchdogOf(run)
  expect(watchdog, `the watchdog of run ${run.record.id}`).not.toBeNull()
  process.kill(watchdog as number, 'SIGKILL')
  up.child.kill('SIGKILL')
  expect(await up.exited).toMatchObject({ signal: 'SIGKILL' })
}

async function expectNothingLeftOf(run: Run): Promise<void> {
  const servers = run.record.services.flatMap((service) => processOf(service) ?? [])
  expect(servers.filter(isRunning)).toEqual([])
  await expectNoProcessLeft(run)
  expect(existsSync(run.dir)).toBe(false)
}

// Polls the project's run record until it lists a process for `serviceName`.
async function recordedServer(project: TestProject, serviceName: string): Promise<Run> {
  const deadline = Date.now() + 30_000
  for (;;) {
    const run = project
      .runs()
      .find((candidate) =>
        candidate.record.services.some((service) => service.name === serviceName && processOf(service)),
      )
    if (run) return run
    if (Date.now() > deadline) throw new Error(`no process was recorded for "${serviceName}" within 30 s`)
    await sleep(2)
  }
}
