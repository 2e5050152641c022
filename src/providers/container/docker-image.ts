import type { StartContext } from '../provider.ts'
import { imageUnavailable } from './container-errors.ts'
import type { DockerEngine } from './docker-client.ts'

/** Pulls the image when the engine lacks it; returns the volumes it declares (testbed puts tmpfs there). */
export async function ensureImage(engine: DockerEngine, image: string, context: StartContext): Promise<string[]> {
  const found = await inspectImage(engine, image)
  if (found) return found
  context.progress.step(`${context.serviceName}: pulling ${image} (once; later starts use the engine's copy)`)
  try {
    const stream = await engine.client.pull(image)
    await new Promise((resolve, reject) =>
      engine.client.modem.followProgress(stream, (error: Error | null) => (error ? reject(error) : resolve(null))),
    )
  } catch (error) {
    throw imageUnavailable(image, context.serviceName, engine.name, error)
  }
  return (await inspectImage(engine, image)) ?? []
}

async function inspectImage(engine: DockerEngine, image: string): Promise<string[] | null> {
  try {
    const inspected = await engine.client.getImage(image).inspect()
    return Object.keys(inspected.Config?.Volumes ?? {})
  } catch {
    return null
  }
}
