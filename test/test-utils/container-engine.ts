import { spawnSync } from 'node:child_process'

/** The images scripts/build-container-images.sh builds: stand-ins for postgres:18 and redis:7. */
export const TEST_IMAGES = { postgres: 'testbed-local/postgres:18', redis: 'testbed-local/redis:7' } as const

/**
 * Why container tests cannot run here, or null when they can: an engine answers (DOCKER_HOST, or
 * Docker's default socket) through the docker CLI, and it has the test images. When they cannot,
 * says so in one line on stderr, so a skipped file is never silent.
 */
export function containerEngineMissing(): string | null {
  const reason = whyNoEngine()
  if (reason) process.stderr.write(`container tests skipped: ${reason}\n`)
  return reason
}

/**
 * The Firestore emulator's stand-in image, built only on machines that have the emulator's jar: why
 * its tests cannot run here, or null when they can (said on stderr like the others).
 */
export const FIRESTORE_TEST_IMAGE = 'testbed-local/firestore-emulator'

export function firestoreImageMissing(): string | null {
  const reason =
    whyNoEngine() ??
    (docker(['image', 'inspect', FIRESTORE_TEST_IMAGE]).status === 0
      ? null
      : `image ${FIRESTORE_TEST_IMAGE} missing: run scripts/build-container-images.sh on a machine with the Cloud Firestore emulator`)
  if (reason) process.stderr.write(`Firestore container tests skipped: ${reason}\n`)
  return reason
}

function whyNoEngine(): string | null {
  const version = docker(['version', '--format', '{{.Server.Version}}'])
  if (version.status !== 0) {
    return `no container engine reachable (DOCKER_HOST=${process.env.DOCKER_HOST ?? 'unset'}): run scripts/podman-setup.sh and export the DOCKER_HOST it prints`
  }
  const missing = Object.values(TEST_IMAGES).filter((image) => docker(['image', 'inspect', image]).status !== 0)
  return missing.length > 0 ? `images ${missing.join(', ')} missing: run scripts/build-container-images.sh` : null
}

/** The ids of containers (running or not) that carry every one of `labels` (`name=value`). */
export function containersLabelled(...labels: string[]): string[] {
  const filters = labels.flatMap((label) => ['--filter', `label=${label}`])
  const listed = docker(['ps', '--all', '--quiet', '--no-trunc', ...filters])
  return listed.stdout.split('\n').filter(Boolean)
}

export function docker(args: string[]): { status: number | null; stdout: string } {
  const result = spawnSync('docker', args, { encoding: 'utf8' })
  return { status: result.error ? null : result.status, stdout: result.stdout ?? '' }
}
