import { describeCause, TestbedError } from '../../core/errors.ts'
import { formatMs } from '../../core/progress.ts'
import { logTail } from '../server-log.ts'

export function imageUnavailable(image: string, serviceName: string, engine: string, cause: unknown): TestbedError {
  return new TestbedError(
    'TESTBED_DOCKER_IMAGE_UNAVAILABLE',
    {
      what: `Cannot get the image for service "${serviceName}"`,
      subject: image,
      why: `${engine} does not have it and pulling it failed (${describeCause(cause)})`,
      fix: 'Check the image name and that the registry is reachable (`docker pull <image>` shows why), or set `image` to one the engine has; where no registry is reachable, build one (scripts/build-container-images.sh in testbed)',
    },
    { cause },
  )
}

interface ContainerEnd {
  exitCode: number
  elapsed: number
  log: string
}

export function containerExited(label: string, serviceName: string, end: ContainerEnd): TestbedError {
  return new TestbedError('TESTBED_DOCKER_CONTAINER_EXITED', {
    what: `${label} exited during start for service "${serviceName}"`,
    subject: `exit code ${end.exitCode}`,
    why: 'The container stopped before its server answered a query; its log below says why (testbed removed the container)',
    fix: 'Fix the cause the log names (an image without the official image’s interface, a bad setting), then run again',
    details: [`elapsed: ${formatMs(end.elapsed)}`, ...logTail(end.log)],
  })
}

export function containerNotReady(
  label: string,
  serviceName: string,
  end: Omit<ContainerEnd, 'exitCode'> & { cause: Error },
): TestbedError {
  return new TestbedError('TESTBED_SERVICE_START_TIMEOUT', {
    what: `${label} did not answer a query in time for service "${serviceName}"`,
    subject: 'its container',
    why: `The server was still not ready after ${formatMs(end.elapsed)} (last answer: ${describeCause(end.cause)}); the machine may be overloaded or the server stuck`,
    fix: 'Raise `startTimeout` in the service options if the machine is slow, or read the container log below (testbed removed the container)',
    details: [`elapsed: ${formatMs(end.elapsed)}`, ...logTail(end.log)],
  })
}
