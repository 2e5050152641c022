import { describe, expect, test } from 'vitest'
import { describeCause, type TestbedError } from '../../src/core/errors.ts'
import { runsDir } from '../../src/core/run-registry.ts'
import { postgres } from '../../src/services/postgres/postgres-service.ts'
import { redis } from '../../src/services/redis/redis-service.ts'
import { startServices } from '../../src/services/service-set.ts'
import { containerEngineMissing, containersLabelled, TEST_IMAGES } from '../test-utils/container-engine.ts'
import { tempDir } from '../test-utils/temp-dir.ts'

async function startError(start: () => Promise<unknown>): Promise<TestbedError> {
  const error = await start().then(
    () => null,
    (thrown: TestbedError) => thrown,
  )
  expect(error).not.toBeNull()
  return error as TestbedError
}

test('forced with no engine at DOCKER_HOST, the start fails saying what answers nowhere and how to get an engine', async () => {
  const saved = process.env.DOCKER_HOST
  process.env.DOCKER_HOST = 'unix:///nonexistent/docker.sock'
  try {
    const error = await startError(() =>
      startServices({ cache: redis({ provider: 'docker' }) }, { projectDir: tempDir() }),
    )
    expect(error.message).toBe(
      '[testbed] The Redis provider forced by the `provider` option is not available for service "cache": docker.\n' +
        'No container engine answers at unix:///nonexistent/docker.sock (connect ENOENT /nonexistent/docker.sock). ' +
        'To fix it: start Docker, or point DOCKER_HOST at a Docker-compatible API (Podman: `podman system service -t 0 unix:///run/podman.sock &` and DOCKER_HOST=unix:///run/podman.sock); or unset the `provider` option to let testbed choose.\n' +
        'Read more: node_modules/testbed/docs/errors.md#testbed_service_provider_unavailable',
    )
  } finally {
    process.env.DOCKER_HOST = saved
  }
})

const missing = containerEngineMissing()

describe.skipIf(missing).concurrent(`with an engine${missing ? ` — skipped: ${missing}` : ''}`, () => {
  test('an image the engine lacks and cannot pull fails with the image, the engine and the pull’s reason', async () => {
    const image = 'testbed-local/absent:1'
    const error = await startError(() =>
      startServices({ db: postgres({ provider: 'docker', image }) }, { projectDir: tempDir() }),
    )
    expect(error.message).toBe(
      '[testbed] Cannot get the image for service "db": testbed-local/absent:1.\n' +
        `${engineName(error)} does not have it and pulling it failed (${describeCause(error.cause)}). ` +
        'Check the image name and that the registry is reachable (`docker pull <image>` shows why), or set `image` to one the engine has; where no registry is reachable, build one (scripts/build-container-images.sh in testbed).\n' +
        'Read more: node_modules/testbed/docs/errors.md#testbed_docker_image_unavailable',
    )
  })

  test('a container that exits before it answers fails the start with its log, and is removed', async () => {
    const settings = { no_such_setting: 1 }
    const error = await startError(() =>
      startServices(
        { broken: postgres({ provider: 'docker', image: TEST_IMAGES.postgres, settings }) },
        { projectDir: tempDir() },
      ),
    )
    const lines = error.message.split('\n')
    expect(lines.slice(0, 2)).toEqual([
      `[testbed] PostgreSQL (docker, ${TEST_IMAGES.postgres}) exited during start for service "broken": exit code 1.`,
      'The container stopped before its server answered a query; its log below says why (testbed removed the container). ' +
        'Fix the cause the log names (an image without the official image’s interface, a bad setting), then run again.',
    ])
    expect(lines[2]).toMatch(/^ {2}• elapsed: \d/)
    expect(lines.some((line) => line.includes('unrecognized configuration parameter "no_such_setting"'))).toBe(true)
    expect(lines.at(-1)).toBe('Read more: node_modules/testbed/docs/errors.md#testbed_docker_container_exited')
    expect(containersLabelled(`dev.testbed.runs-dir=${runsDir()}`, 'dev.testbed.service=broken')).toEqual([])
  })
})

function engineName(error: TestbedError): string {
  return /^(Docker|Podman) \S+/.exec(error.parts.why)?.[0] ?? 'an engine'
}
