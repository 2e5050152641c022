import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { identify, isRunning, type ProcessIdentity } from '../../src/core/process-identity.ts'
import type { RunRecord } from '../../src/core/run-registry.ts'
import { expectNoProcessLeft } from '../test-utils/processes.ts'
import { CLI, runTestbed, spawnProcess } from '../test-utils/run-cli.ts'
import { tempDir } from '../test-utils/temp-dir.ts'
import { serviceOf, testProject } from '../test-utils/test-project.ts'

const asRoot = process.getuid?.() === 0
const hasCapsh = spawnSync('capsh', ['--print'], { stdio: 'ignore' }).status === 0
const NOT_ROOT = 'acting as another account (runuser -u nobody) needs root'
const COMMANDS = [
  ['services', 'status'],
  ['services', 'down'],
  ['services', 'env'],
  ['services', 'up', '--detach'],
]

function lines(...text: string[]): string {
  return `${text.join('\n')}\n`
}

function refusal(dir: string, problem: string): string {
  return lines(
    `[testbed] Refusing to use the state dir: ${dir}.`,
    `${problem}; testbed stops the processes its run records name, so it keeps them only in a folder that is yours and that no other account can write to (in a shared folder such as /dev/shm or /tmp, any account can make that folder first). Delete it if nothing of yours is in it (\`rm -rf '${dir}'\`), or point TESTBED_STATE_DIR at a folder of your own.`,
    'Read more: node_modules/testbed/docs/errors.md#testbed_state_dir_unsafe',
  )
}

describe('a state dir that is not private to the account testbed runs as', () => {
  test('made first by another account, with a record naming a live process of ours: every command refuses it and signals nothing', async ({
    skip,
  }) => {
    skip(!asRoot, NOT_ROOT)
    await using project = testProject()
    await using victim = sleeper()
    // Like /tmp or /dev/shm: any account may create a folder in it.
    const shared = tempDir('testbed-shared-')
    chmodSync(shared, 0o1777)
    const state = join(shared, 'state')
    // The forger knows everything about the victim that testbed records: pid, start time, executable.
    const forged = forgedRun(project.dir, victim.identity)
    const script = 'mkdir -m 755 "$1" "$1/runs" "$1/runs/forged" && cat > "$1/runs/forged/run.json"'
    const made = spawnSync('runuser', ['-u', 'nobody', '--', 'sh', '-c', script, 'sh', state], { input: forged })
    expect(made.status, made.stderr?.toString()).toBe(0)
    const nobody = Number(spawnSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).stdout)

    for (const command of COMMANDS) {
      const result = await runTestbed(command, { cwd: project.dir, env: { TESTBED_STATE_DIR: state } })
      expect({ command, ...result }).toEqual({
        command,
        code: 1,
        signal: null,
        stdout: '',
        stderr: refusal(
          state,
          `It belongs to nobody (uid ${nobody}), not to root (uid 0), the account testbed runs as`,
        ),
      })
    }
    expect(isRunning(victim.identity)).toBe(true)
    expect(readdirSync(join(state, 'runs'))).toEqual(['forged'])
  })

  test('of our own but writable by other accounts is refused with its mode, and doctor says so', async () => {
    await using project = testProject()
    const state = join(tempDir(), 'state')
    mkdirSync(state)
    chmodSync(state, 0o777)
    const result = await runTestbed(['services', 'status'], { cwd: project.dir, env: { TESTBED_STATE_DIR: state } })
    expect(result).toEqual({
      code: 1,
      signal: null,
      stdout: '',
      stderr: refusal(state, 'Its mode 777 lets other accounts write to it'),
    })
    const doctor = await runTestbed(['doctor'], { cwd: project.dir, env: { TESTBED_STATE_DIR: state } })
    const line = doctor.stdout.split('\n').find((text) => text.startsWith('  state dir'))
    expect(line).toBe(
      `  state dir   ${state} ✗ ${refusal(state, 'Its mode 777 lets other accounts write to it').split('\n')[1]}`,
    )
  })

  test('that is a symbolic link is refused, naming its target', async () => {
    await using project = testProject()
    const target = tempDir()
    const state = join(tempDir(), 'state')
    symlinkSync(target, state)
    const result = await runTestbed(['services', 'status'], { cwd: project.dir, env: { TESTBED_STATE_DIR: state } })
    expect(result).toEqual({
      code: 1,
      signal: null,
      stdout: '',
      stderr: refusal(state, `It is a symbolic link (to ${target})`),
    })
  })

  test('a missing one is created private, mode 0700, by any command that reads records', async () => {
    await using project = testProject()
    const state = join(tempDir(), 'nested', 'state')
    const result = await runTestbed(['services', 'status'], { cwd: project.dir, env: { TESTBED_STATE_DIR: state } })
    expect(result.code).toBe(1)
    const mode = spawnSync('stat', ['-c', '%a %u', state], { encoding: 'utf8' }).stdout.trim()
    expect(mode).toBe(`700 ${process.getuid?.()}`)
  })
})

// Records in this file's own (private) state dir: what only a recycled pid or a stale record could produce.
describe('a dead run whose record names a live process testbed did not start', () => {
  test('is reaped without signalling it when its start time, its executable or both are not the recorded ones', async () => {
    await using project = testProject()
    await using wrongStart = sleeper()
    await using wrongExecutable = sleeper()
    await using unknown = sleeper()
    await using ours = sleeper()
    const runs = join(process.env.TESTBED_STATE_DIR as string, 'runs')
    const records = {
      'wrong-start': { ...wrongStart.identity, startTime: String(Number(wrongStart.identity.startTime) - 1) },
      'wrong-executable': { ...wrongExecutable.identity, executable: '/usr/lib/postgresql/16/bin/postgres' },
      unverifiable: { pid: unknown.identity.pid, startTime: null },
      // The control: the same record with the true identity is signalled, so the three above prove something.
      'true-identity': ours.identity,
    }
    for (const [name, identity] of Object.entries(records)) {
      mkdirSync(join(runs, name), { recursive: true })
      writeFileSync(join(runs, name, 'run.json'), forgedRun(project.dir, identity))
    }

    const status = await runTestbed(['services', 'status', '--all'], { cwd: project.dir })
    expect(status).toMatchObject({ code: 1, stdout: '' })
    expect(readdirSync(runs)).toEqual([])
    expect([wrongStart, wrongExecutable, unknown].map((process_) => isRunning(process_.identity))).toEqual([
      true,
      true,
      true,
    ])
    expect(await ours.exited).toEqual({ code: null, signal: 'SIGTERM' })
  })
})

// Docker drops CAP_SYS_PTRACE, without which root cannot read /proc/<pid>/exe of a server running as `postgres`.
describe('as root without CAP_SYS_PTRACE, as in a Docker container', () => {
  test('records the command name of a server running as another account, and still verifies and stops it', async ({
    skip,
  }) => {
    skip(!asRoot || !hasCapsh, asRoot ? 'capsh (libcap2-bin) is not installed' : NOT_ROOT)
    await using project = testProject('{ postgres: postgres() }')
    const withoutPtrace = (args: string[]) =>
      spawnProcess('capsh', ['--drop=cap_sys_ptrace', '--', '-c', 'exec "$0" "$@"', process.execPath, CLI, ...args], {
        cwd: project.dir,
      }).exited
    expect(await withoutPtrace(['services', 'up', '--detach'])).toMatchObject({ code: 0 })
    const run = project.run()
    const postgres = serviceOf(run, 'postgres')
    expect(postgres.process.executable).toBe('postgres')

    const down = await withoutPtrace(['services', 'down'])
    expect(down).toMatchObject({ code: 0, stderr: 'Stopped 1 service and removed their data.\n' })
    expect(isRunning(postgres.process)).toBe(false)
    await expectNoProcessLeft(run)
  })
})

function forgedRun(projectDir: string, identity: ProcessIdentity): string {
  const record: RunRecord = {
    id: 'forged',
    // A pid no process has: the owner is dead, so any testbed command reaps the run.
    owner: { pid: 2 ** 22 + 1, startTime: '1', executable: '/usr/bin/node' },
    detached: false,
    projectDir,
    configHash: 'forged',
    createdAt: new Date().toISOString(),
    services: [
      {
        name: 'postgres',
        kind: 'postgres',
        provider: 'local',
        url: 'postgresql://postgres@127.0.0.1:1/postgres',
        version: '16',
        handle: { type: 'process', process: identity, stopSignal: 'SIGTERM' },
      },
    ],
  }
  return JSON.stringify(record)
}

interface Sleeper extends AsyncDisposable {
  child: ChildProcess
  identity: ProcessIdentity
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

function sleeper(): Sleeper {
  const child = spawn('sleep', ['1000'], { stdio: 'ignore' })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  )
  return {
    child,
    identity: identify(child.pid as number),
    exited,
    async [Symbol.asyncDispose]() {
      child.kill('SIGKILL')
      await exited
    },
  }
}
