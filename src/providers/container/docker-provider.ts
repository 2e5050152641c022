import { describeCause, TestbedError } from '../../core/errors.ts'
import type { Detection, Provider } from '../provider.ts'
import type { ContainerRecipe, Settings } from './container-recipe.ts'
import { type ContainerOptions, startContainer } from './container-start.ts'
import { connectEngine, type DockerEngine, loadDockerode } from './docker-client.ts'
import { hasImage } from './docker-image.ts'

/** The options of a service that the docker provider uses. */
export interface DockerServiceOptions {
  /** The configured image (option or `TESTBED_<KIND>_IMAGE`); the recipe's default when undefined. */
  image?: string
  port?: number
  settings?: Settings
  durable?: boolean
  startTimeout?: number
}

type Reached = { engine: DockerEngine } | { reason: string; fix: string }

/**
 * The `docker` provider of a kind: its recipe's server in a container, on Docker Engine or on
 * Podman's Docker-compatible API (DOCKER_HOST). Last in resolution order and `deferred`: testbed
 * loads dockerode and reaches the engine only when no other provider can serve, or when forced.
 */
export function dockerProvider(recipe: ContainerRecipe, options: DockerServiceOptions): Provider {
  let reaching: Promise<Reached> | undefined
  const reach = () => {
    reaching ??= reachEngine()
    return reaching
  }
  const image = options.image ?? recipe.defaultImage
  return {
    name: 'docker',
    deferred: true,
    async detect(): Promise<Detection> {
      const reached = await reach()
      if (!('engine' in reached)) return { available: false, ...reached }
      const { engine } = reached
      const pulled = await hasImage(engine, image)
      const state = pulled ? '' : ' (not on the engine yet: the first start pulls it)'
      return { available: true, version: image, detail: `${image}${state} on ${engine.name} at ${engine.endpoint}` }
    },
    async start(context) {
      const reached = await reach()
      if (!('engine' in reached)) throw noEngine(recipe, context.serviceName, reached)
      return startContainer(reached.engine, recipe, containerOptions(image, options), context)
    },
  }
}

function containerOptions(image: string, options: DockerServiceOptions): ContainerOptions {
  return {
    image,
    ...(options.port === undefined ? {} : { port: options.port }),
    settings: options.settings ?? {},
    durable: options.durable ?? false,
    startTimeoutMs: options.startTimeout ?? 30_000,
  }
}

/** The container engine, for `testbed doctor`: which one answers where, or why none does and how to get one. */
export async function describeEngine(): Promise<string> {
  const reached = await reachEngine()
  if ('engine' in reached) return `${reached.engine.name} at ${reached.engine.endpoint} (reachable)`
  return `✗ ${reached.reason} — to fix: ${reached.fix}`
}

async function reachEngine(): Promise<Reached> {
  const Docker = await loadDockerode()
  if (!Docker) {
    return {
      reason: 'the npm package dockerode is not installed',
      fix: 'npm install --save-dev dockerode (an optional peer dependency: only the docker provider loads it)',
    }
  }
  try {
    return { engine: await connectEngine(Docker) }
  } catch (error) {
    return {
      reason: `no container engine answers at ${process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock'} (${describeCause(error)})`,
      fix: 'start Docker, or point DOCKER_HOST at a Docker-compatible API (Podman: `podman system service -t 0 unix:///run/podman.sock &` and DOCKER_HOST=unix:///run/podman.sock)',
    }
  }
}

function noEngine(
  recipe: ContainerRecipe,
  serviceName: string,
  reached: { reason: string; fix: string },
): TestbedError {
  return new TestbedError('TESTBED_SERVICE_PROVIDER_UNAVAILABLE', {
    what: `The ${recipe.label} provider \`docker\` cannot start service "${serviceName}"`,
    subject: 'docker',
    why: reached.reason.charAt(0).toUpperCase() + reached.reason.slice(1),
    fix: `To fix it: ${reached.fix}`,
  })
}
