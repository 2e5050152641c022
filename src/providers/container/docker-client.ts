import type { IncomingMessage } from 'node:http'
import type Dockerode from 'dockerode'
import { findOnPath } from '../../core/executables.ts'

/** A connection to a Docker Engine API: Docker's, or Podman's (`podman system service`), as DOCKER_HOST names it. */
export interface DockerEngine {
  client: Dockerode
  /** `Docker 28.2.2`, `Podman 4.3.1`. */
  name: string
  /** The command line that reaches the same engine, for stops in exit hooks: `docker`, else `podman`. */
  runtime: 'docker' | 'podman'
  /** `unix:///var/run/docker.sock`, `tcp://host:2376`: where it was reached. */
  endpoint: string
}

const PING_TIMEOUT_MS = 3000

/** dockerode, loaded only when the docker provider is used: it is an optional peer dependency. */
export async function loadDockerode(): Promise<typeof Dockerode | null> {
  try {
    return (await import('dockerode')).default
  } catch {
    return null
  }
}

/**
 * Reaches the engine DOCKER_HOST (or the default socket) names with `/_ping`, whose `Server` header
 * names it: `/version` would tell the same but costs Podman ~600 ms per call.
 */
export async function connectEngine(Docker: typeof Dockerode): Promise<DockerEngine> {
  const pinger = new Docker({ timeout: PING_TIMEOUT_MS })
  const response = await ping(pinger)
  const server = /^(Docker|Libpod)\/(\S+)/.exec(String(response.headers.server ?? ''))
  const product = server?.[1] === 'Libpod' ? 'Podman' : 'Docker'
  const modem = pinger.modem as { socketPath?: string; host?: string; port?: string | number; protocol?: string }
  const endpoint = modem.socketPath
    ? `unix://${modem.socketPath}`
    : `${modem.protocol ?? 'http'}://${modem.host}:${modem.port}`
  const runtime = findOnPath('docker') !== null || product === 'Docker' ? 'docker' : 'podman'
  // No timeout from here on: a pull or a slow start may take longer than a ping.
  return { client: new Docker(), name: `${product} ${server?.[2] ?? 'unknown'}`, runtime, endpoint }
}

function ping(client: Dockerode): Promise<IncomingMessage> {
  const options = { path: '/_ping?', method: 'GET', isStream: true, statusCodes: { 200: true } }
  return new Promise((resolve, reject) =>
    client.modem.dial(options, (error, response) => {
      if (error) return reject(error)
      const message = response as IncomingMessage
      message.resume()
      resolve(message)
    }),
  )
}
