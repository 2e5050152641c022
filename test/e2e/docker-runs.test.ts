import { existsSync } from 'node:fs'
import { hostname } from 'node:os'
import { describe, expect, onTestFinished, test } from 'vitest'
import { runsDir } from '../../src/core/run-registry.ts'
import { pgQuery } from '../test-utils/clients.ts'
import { containerEngineMissing, containersLabelled, docker, TEST_IMAGES } from '../test-utils/container-engine.ts'
import { expectNoProcessLeft, watchdogOf } from '../test-utils/processes.ts'
import { runTestbed, spawnTestbed } from '../test-utils/run-cli.ts'
import { testProject } from '../test-utils/test-project.ts'

const missing = containerEngineMissing()
const DOCKER_SERVICES = `{
  db: postgres({ provider: 'docker', image: '${TEST_IMAGES.postgres}' }),
  cache: redis({ provider: 'docker', image: '${TEST_IMAGES.redis}' }),
}`

const IMAGES_ONLY = `{
  db: postgres({ image: '${TEST_IMAGES.postgres}' }),
  cache: redis({ image: '${TEST_IMAGES.redis}' }),
}`

function containersOfRun(runId: string): string[] {
  return containersLabelled(`dev.testbed.run=${runId}`)
}

// One test at a time: every start reaps every dead run (and its containers) in this file's state dir.
describe.skipIf(missing)(`containers of a run${missing ? ` — skipped: ${missing}` : ''}`, () => {
  test('a SIGKILLed `services up`: its watchdog removes its containers and its run dir, with no other command', async () => {
    await using project = testProject(DOCKER_SERVICES)
    await using up = spawnTestbed(['services', 'up'], { cwd: project.dir })
    await up.stderrLine('Services run until you press Ctrl-C.')
    const run = project.run()
    expect(containersOfRun(run.record.id)).toHaveLength(2)
    expect(watchdogOf(run)).not.toBeNull()
    up.child.kill('SIGKILL')
    expect(await up.exited).toMatchObject({ signal: 'SIGKILL' })

    // The watchdog exits once it has removed them: when it is gone, nothing of the run may be left.
    await expectNoProcessLeft(run, { timeoutMs: 30_000 })
    expect(containersOfRun(run.record.id)).toEqual([])
    expect(existsSync(run.dir)).toBe(false)
  })

  test('a SIGKILLed `services up` whose watchdog died too: the next command removes its containers, from their record', async () => {
    await using project = testProject(DOCKER_SERVICES)
    await using up = spawnTestbed(['services', 'up'], { cwd: project.dir })
    await up.stderrLine('Services run until you press Ctrl-C.')
    const run = project.run()
    process.kill(watchdogOf(run) as number, 'SIGKILL')
    up.child.kill('SIGKILL')
    await up.exited
    expect(containersOfRun(run.record.id)).toHaveLength(2)

    const status = await runTestbed(['services', 'status'], { cwd: project.dir })
    expect(status.code).toBe(1)
    expect(containersOfRun(run.record.id)).toEqual([])
    expect(existsSync(run.dir)).toBe(false)
  })

  test('`services up --detach --provider docker` then `services down`: the stack answers, then no container, volume or run is left', async () => {
    await using project = testProject(IMAGES_ONLY)
    const volumesBefore = docker(['volume', 'ls', '--quiet']).stdout
    const up = await runTestbed(['services', 'up', '--detach', '--provider', 'docker'], { cwd: project.dir })
    expect(up.code).toBe(0)
    const run = project.run()
    expect(run.record.services.map((service) => service.provider)).toEqual(['docker', 'docker'])
    const db = run.record.services.find((service) => service.name === 'db')
    expect(await pgQuery(db?.url ?? '', 'SELECT 1 AS one')).toEqual([{ one: 1 }])

    const down = await runTestbed(['services', 'down'], { cwd: project.dir })
    expect(down.stderr).toBe('Stopped 2 services and removed their data.\n')
    expect(containersOfRun(run.record.id)).toEqual([])
    expect(docker(['volume', 'ls', '--quiet']).stdout).toBe(volumesBefore)
    expect(project.runs()).toEqual([])
  })

  test('a container a killed run created but never recorded is removed by the next `services down`, by its labels', async () => {
    await using project = testProject(DOCKER_SERVICES)
    const deadRun = `mx0000000-1-${process.pid}`
    const labels = [`dev.testbed.run=${deadRun}`, `dev.testbed.runs-dir=${runsDir()}`, `dev.testbed.host=${hostname()}`]
    const created = docker(['create', ...labels.flatMap((label) => ['--label', label]), TEST_IMAGES.redis])
    // Another machine's or state dir's container with the same run id is not this one's to remove.
    const foreign = docker(['create', '--label', `dev.testbed.run=${deadRun}`, TEST_IMAGES.redis]).stdout.trim()
    onTestFinished(() => {
      docker(['rm', '--force', '--volumes', created.stdout.trim(), foreign])
    })
    expect(created.status).toBe(0)

    const down = await runTestbed(['services', 'down'], { cwd: project.dir })
    expect(down.code).toBe(0)
    expect(containersOfRun(deadRun)).toEqual([foreign])
  })
})
