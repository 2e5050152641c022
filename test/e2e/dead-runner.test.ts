import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, test } from 'vitest'
import { identify, type ProcessIdentity } from '../../src/core/process-identity.ts'
import type { Run } from '../../src/core/run-registry.ts'
import { findEmbeddedBinaries } from '../../src/services/postgres/postgres-binaries.ts'
import { expectNoProcessLeft } from '../test-utils/processes.ts'
import { type VitestProject, vitestProject } from '../test-utils/vitest-project.ts'

const embedded = await findEmbeddedBinaries()
if (!embedded) throw new Error('the embedded PostgreSQL package is missing: run npm install')

const CONFIG = {
  'testbed.config.ts': `import { defineConfig, postgres, redis } from 'testbed'
export default defineConfig({ services: { db: postgres(), cache: redis() } })
`,
  'vitest.config.ts': `import { testbed } from 'testbed/vitest/config'
import { defineConfig } from 'vitest/config'
export default defineConfig({ plugins: [testbed()] })
`,
}

// A test that has used the services, says which worker runs it, and then runs on until it is killed.
const HANGING = {
  ...CONFIG,
  'tests/integration/hang.test.ts': `import { writeFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { expect, test } from 'testbed/vitest'

test('runs until it is killed', { timeout: 120_000 }, async ({ db }) => {
  const { rows } = await db.query('SELECT 1 AS one')
  expect(rows).toEqual([{ one: 1 }])
  writeFileSync('worker.pid', String(process.pid))
  await sleep(110_000)
})
`,
}

// The first test kills the PostgreSQL server under the suite; the second needs it.
const SERVER_DIES = {
  ...CONFIG,
  'tests/integration/server-dies.test.ts': `import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'testbed/vitest'

test('kills the PostgreSQL server', async ({ db }) => {
  const { rows } = await db.query('SHOW data_directory')
  const postmaster = readFileSync(join(rows[0].data_directory, 'postmaster.pid'), 'utf8').split('\\n')[0]
  process.kill(Number(postmaster), 'SIGKILL')
})

test('queries it afterwards', async ({ db }) => {
  await db.query('SELECT 1')
})
`,
}

// At most two runs at once, as in vitest-integration-runs.test.ts.
describe('a `testbed test --integration` run SIGKILLed in the middle of the suite', () => {
  test.concurrent('Vitest’s main process killed: its watchdog stops the services, and its workers end, within 10 s', async () => {
    const project = vitestProject('kill-vitest', HANGING)
    await using cli = project.spawnTestbed(['test', '--integration'])
    const worker = await workerOf(project)
    const run = onlyRun(project)
    const vitest = run.record.owner
    process.kill(vitest.pid, 'SIGKILL')

    expect(await cli.exited).toMatchObject({ code: 128 + 9 })
    await expectNoProcessLeft(run, { alsoGone: [vitest, worker] })
    expect(existsSync(run.dir)).toBe(false)
  })

  test.concurrent('the testbed CLI alone killed: Vitest, its workers and the services end within 10 s', async () => {
    const project = vitestProject('kill-cli', HANGING)
    await using cli = project.spawnTestbed(['test', '--integration'])
    const worker = await workerOf(project)
    const run = onlyRun(project)
    cli.child.kill('SIGKILL')
    expect(await cli.exited).toMatchObject({ signal: 'SIGKILL' })

    await expectNoProcessLeft(run, { alsoGone: [run.record.owner, worker] })
    expect(existsSync(run.dir)).toBe(false)
  })
})

describe('a server that dies in the middle of the suite', () => {
  test('fails the run with a message naming it, how it ended, its last log lines and where its log is kept', async () => {
    const project = vitestProject('server-dies', SERVER_DIES)
    const result = await project.testbed(['test', '--integration'], { TESTBED_QUIET: '1' })
    expect(result.code).toBe(1)
    const message = deathMessage(result.stderr)
    const keptLog = /: (\/\S+\.log)\.$/.exec(message[0] ?? '')?.[1] as string
    expect(message.slice(0, 2)).toEqual([
      `[testbed] PostgreSQL ${embedded.version} (embedded) stopped in the middle of the run for service "db": ${keptLog}.`,
      'The server was killed by SIGKILL although testbed did not ask it to stop; whatever uses it fails from here on, and the run fails with it. Its log is kept at that path and ends with the lines below; look there, and in `dmesg` for the kernel’s out-of-memory killer, for what ended it, then run again.',
    ])
    expect(keptLog).toMatch(new RegExp(`^${process.env.TESTBED_STATE_DIR}/logs/[a-z0-9]+-\\d+-[0-9a-f]{6}-db\\.log$`))
    const logLines = readFileSync(keptLog, 'utf8').trimEnd().split('\n')
    expect(message.slice(2)).toEqual(logLines.slice(-12).map((line) => `  • | ${line}`))
    expect(project.runs()).toEqual([])
  })
})

// The lines of the death message in a run's output: its head line and the details under it.
function deathMessage(output: string): string[] {
  const lines = output.split('\n')
  const start = lines.findIndex((line) => line.startsWith('[testbed] PostgreSQL'))
  expect(start, `a death message in:\n${output}`).toBeGreaterThanOrEqual(0)
  const end = lines.findIndex((line, index) => index > start + 1 && !line.startsWith('  • '))
  return lines.slice(start, end)
}

// Waits (up to 60 s: the services start first) until the hanging test has started, and returns its worker.
async function workerOf(project: VitestProject): Promise<ProcessIdentity> {
  const deadline = Date.now() + 60_000
  for (;;) {
    const pid = readPid(join(project.dir, 'worker.pid'))
    if (pid > 0) return identify(pid)
    if (Date.now() > deadline) throw new Error('the hanging test did not start within 60 s')
    await sleep(20)
  }
}

// 0 until the file is there with its content.
function readPid(file: string): number {
  try {
    return Number(readFileSync(file, 'utf8')) || 0
  } catch {
    return 0
  }
}

function onlyRun(project: VitestProject): Run {
  const runs = project.runs()
  expect(runs, `runs of ${project.dir}`).toHaveLength(1)
  return runs[0] as Run
}
