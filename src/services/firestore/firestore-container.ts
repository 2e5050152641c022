import type { ContainerRecipe, Settings } from '../../providers/container/container-recipe.ts'
import { probeFirestore } from './firestore-rest.ts'

const PORT = 8080

// The Google Cloud CLI image's interface: `gcloud emulators firestore start --host-port=…`, then the
// user's flags. The emulator has no password: its port on 127.0.0.1 of the host is its protection.
function command(settings: Settings): string[] {
  const flags = Object.entries(settings).map(([name, value]) => `--${name}=${value}`)
  return ['gcloud', 'emulators', 'firestore', 'start', `--host-port=0.0.0.0:${PORT}`, ...flags]
}

/**
 * The Cloud Firestore emulator in a container: Google's Cloud CLI image with the emulators, started
 * the way that image documents. Readiness is the same real write and read as the local provider's.
 */
export const FIRESTORE_CONTAINER: ContainerRecipe = {
  label: 'Firestore emulator',
  kind: 'firestore',
  defaultImage: 'gcr.io/google.com/cloudsdktool/google-cloud-cli:emulators',
  port: PORT,
  launch: (_secret, settings) => ({ env: {}, command: command(settings), files: {} }),
  compose: (_password, settings) => ({ env: {}, command: command(settings) }),
  url: (hostPort) => `http://127.0.0.1:${hostPort}`,
  probe: (url) => probeFirestore(url),
  // The emulator keeps its documents in memory.
  dataDirs: () => [],
  // The emulator answers `Ok` on its root once it serves requests.
  healthcheck: () => ['CMD-SHELL', `curl -fs http://127.0.0.1:${PORT}/ | grep -q Ok`],
}
