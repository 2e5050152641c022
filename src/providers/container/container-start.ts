import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type Dockerode from 'dockerode'
import { formatMs } from '../../core/progress.ts'
import { redactUrl } from '../../core/redact.ts'
import { assertPortFree } from '../free-port.ts'
import type { StartContext, StartedService } from '../provider.ts'
import { containerExited, containerNotReady } from './container-errors.ts'
import { containerLabels } from './container-labels.ts'
import { CONTAINER_FILES_DIR, type ContainerLaunch, type ContainerRecipe, type Settings } from './container-recipe.ts'
import { recordContainer } from './container-record.ts'
import { removeContainer, removeOrphanContainers } from './container-sweep.ts'
import { watchContainer } from './container-watch.ts'
import type { DockerEngine } from './docker-client.ts'
import { ensureImage } from './docker-image.ts'
import { tarArchive } from './tar-archive.ts'

const POLL_MS = 25

/** What the user configured for one containerised service. */
export interface ContainerOptions {
  image: string
  port?: number
  settings: Settings
  // Keep the server's own durability settings (the `durable` option).
  durable: boolean
  startTimeoutMs: number
}

/**
 * Starts the recipe's server in a container: image pulled when missing, data on tmpfs, the port on
 * 127.0.0.1 (ephemeral unless `port` is set), a fresh password put in a file, labels naming the run,
 * recorded in the run before it starts, ready once a real query answers.
 */
export async function startContainer(
  engine: DockerEngine,
  recipe: ContainerRecipe,
  options: ContainerOptions,
  context: StartContext,
): Promise<StartedService> {
  const startedAt = Date.now()
  const label = `${recipe.label} (docker, ${options.image})`
  context.progress.step(`${context.serviceName}: starting ${label} on ${engine.name}`)
  if (options.port !== undefined) await assertPortFree(options.port, context.serviceName, label)
  await removeOrphanContainers(engine)
  const volumes = await ensureImage(engine, options.image, context)
  const secret = recipe.ownSecret?.(options.settings) ?? randomBytes(32).toString('base64url')
  const launch = recipe.launch(secret, options.settings, { durable: options.durable })
  const container = await createContainer(engine, recipe, options, context, { launch, volumes })
  // Recorded before anything else can fail: a failed start is then removed by the run's stop.
  recordContainer(context.run, engine, container.id, { name: context.serviceName, kind: recipe.kind })
  if (Object.keys(launch.files).length > 0) {
    await container.putArchive(tarArchive(launch.files), { path: CONTAINER_FILES_DIR })
  }
  const url = await run(container, recipe, secret)
  const version = await waitUntilReady(engine, container, recipe, { url, label, startedAt, options, context })
  const facts = { name: context.serviceName, kind: recipe.kind, url, version }
  const handle = recordContainer(context.run, engine, container.id, facts)
  watchContainer(container, { label, serviceName: context.serviceName }, context.run)
  context.progress.done(
    `${context.serviceName}: ${label} ready in ${formatMs(Date.now() - startedAt)} at ${redactUrl(url)}`,
  )
  return { url, version, handle }
}

async function createContainer(
  engine: DockerEngine,
  recipe: ContainerRecipe,
  options: ContainerOptions,
  context: StartContext,
  made: { launch: ContainerLaunch; volumes: string[] },
): Promise<Dockerode.Container> {
  const { launch } = made
  const portKey = `${recipe.port}/tcp`
  const container = await engine.client.createContainer({
    Image: options.image,
    ...(launch.command.length > 0 ? { Cmd: launch.command } : {}),
    Env: Object.entries(launch.env).map(([name, value]) => `${name}=${value}`),
    Labels: containerLabels(context.run, context.serviceName),
    ExposedPorts: { [portKey]: {} },
    // A TTY: the log is plain text, which errors quote.
    Tty: true,
    HostConfig: {
      PortBindings: { [portKey]: [{ HostIp: '127.0.0.1', HostPort: options.port ? String(options.port) : '' }] },
      // Every volume of the image on tmpfs: data in memory, and no anonymous volume left behind.
      Tmpfs: Object.fromEntries(made.volumes.map((volume) => [volume, 'rw'])),
    },
  })
  return container
}

async function run(container: Dockerode.Container, recipe: ContainerRecipe, secret: string): Promise<string> {
  await container.start()
  const inspected = await container.inspect()
  const binding = inspected.NetworkSettings.Ports[`${recipe.port}/tcp`]?.[0]
  return recipe.url(Number(binding?.HostPort), secret)
}

interface Waiting {
  url: string
  label: string
  startedAt: number
  options: ContainerOptions
  context: StartContext
}

async function waitUntilReady(
  engine: DockerEngine,
  container: Dockerode.Container,
  recipe: ContainerRecipe,
  waiting: Waiting,
): Promise<string> {
  // The start timeout counts from the container's start: a pull before it is not the server's slowness.
  const deadline = Date.now() + waiting.options.startTimeoutMs
  for (;;) {
    const result = await recipe.probe(waiting.url)
    if (result.ok) return result.version
    const state = (await container.inspect()).State
    const elapsed = Date.now() - waiting.startedAt
    if (!state.Running) {
      const log = await containerLog(container)
      await removeContainer(engine, container.id)
      throw containerExited(waiting.label, waiting.context.serviceName, { exitCode: state.ExitCode, elapsed, log })
    }
    if (Date.now() > deadline) {
      const log = await containerLog(container)
      await removeContainer(engine, container.id)
      throw containerNotReady(waiting.label, waiting.context.serviceName, { elapsed, log, cause: result.error })
    }
    await sleep(POLL_MS)
  }
}

async function containerLog(container: Dockerode.Container): Promise<string> {
  const log = await container.logs({ stdout: true, stderr: true, tail: 40 }).catch(() => Buffer.from(''))
  return log.toString('utf8').replace(/\r\n/g, '\n')
}
