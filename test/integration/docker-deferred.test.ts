import { createServer } from 'node:net'
import { join } from 'node:path'
import { expect, onTestFinished, test } from 'vitest'
import { postgres } from '../../src/services/postgres/postgres-service.ts'
import { resolveProvider } from '../../src/services/resolve-provider.ts'
import { tempDir } from '../test-utils/temp-dir.ts'

// A socket at DOCKER_HOST that counts who connects: whether testbed reached for a container engine.
async function countingEngineSocket(): Promise<{ connections: () => number }> {
  const path = join(tempDir(), 'docker.sock')
  let connections = 0
  const server = createServer((socket) => {
    connections++
    socket.destroy()
  })
  await new Promise<void>((resolve) => server.listen(path, resolve))
  const saved = process.env.DOCKER_HOST
  process.env.DOCKER_HOST = `unix://${path}`
  onTestFinished(() => {
    process.env.DOCKER_HOST = saved
    server.close()
  })
  return { connections: () => connections }
}

test('while a provider before it can serve, the docker provider is not even detected: no engine is reached', async () => {
  const engine = await countingEngineSocket()
  const resolution = await resolveProvider('db', postgres())
  expect(resolution.provider.name).toBe('embedded')
  expect(resolution.checks.map((check) => check.provider.name)).toEqual(['external', 'embedded', 'local'])
  expect(engine.connections()).toBe(0)
})

test('forced, it is the one detected, and it reaches the engine DOCKER_HOST names', async () => {
  const engine = await countingEngineSocket()
  await expect(resolveProvider('db', postgres({ provider: 'docker' }))).rejects.toThrow(
    'The PostgreSQL provider forced by the `provider` option is not available for service "db": docker.',
  )
  expect(engine.connections()).toBe(1)
})
