import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { describe, expect, onTestFinished, test } from 'vitest'
import { identify } from './process-identity.ts'
import { describeHandle, isHandleRunning, type ServiceHandle, stopHandle, stopHandleSync } from './service-handle.ts'

function sleeperHandle(): { handle: ServiceHandle; exited: Promise<unknown> } {
  const child = spawn('sleep', ['1000'], { stdio: 'ignore' })
  onTestFinished(() => {
    child.kill('SIGKILL')
  })
  const handle: ServiceHandle = { type: 'process', process: identify(child.pid as number), stopSignal: 'SIGTERM' }
  return { handle, exited: once(child, 'exit') }
}

describe('a process handle', () => {
  test('runs until stopHandle ends the process with its stop signal', async () => {
    const { handle, exited } = sleeperHandle()
    expect(isHandleRunning(handle)).toBe(true)
    await stopHandle(handle)
    expect(await exited).toEqual([null, 'SIGTERM'])
    expect(isHandleRunning(handle)).toBe(false)
  })

  test('stopHandleSync stops it too, for exit handlers', async () => {
    const { handle, exited } = sleeperHandle()
    stopHandleSync(handle)
    expect(await exited).toEqual([null, 'SIGTERM'])
  })

  test('is described by its pid', () => {
    const handle: ServiceHandle = { type: 'process', process: { pid: 42, startTime: null }, stopSignal: 'SIGINT' }
    expect(describeHandle(handle)).toBe('pid 42')
  })
})

describe('a container handle', () => {
  test('is described by its engine and short id', () => {
    const handle: ServiceHandle = { type: 'container', runtime: 'podman', id: '3f2a9c1d0b7e'.repeat(4) }
    expect(describeHandle(handle)).toBe('podman container 3f2a9c1d0b7e')
  })

  test('a record naming another command or an id that reads as an option is neither run nor stopped', async () => {
    const forged = [
      { type: 'container', runtime: 'sleep', id: '3f2a9c1d0b7e' },
      { type: 'container', runtime: 'podman', id: '--all' },
    ] as unknown as ServiceHandle[]
    for (const handle of forged) {
      expect(isHandleRunning(handle)).toBe(false)
      await expect(stopHandle(handle)).resolves.toBeUndefined()
    }
  })

  test('a container the engine does not know is not running, and stopping it does not throw', async ({ skip }) => {
    const handle: ServiceHandle = { type: 'container', runtime: 'podman', id: 'f'.repeat(64) }
    skip(!hasCommand('podman'), 'podman is not installed')
    expect(isHandleRunning(handle)).toBe(false)
    await expect(stopHandle(handle)).resolves.toBeUndefined()
  })
})

function hasCommand(name: string): boolean {
  return spawnSync(name, ['--version'], { stdio: 'ignore' }).error === undefined
}
