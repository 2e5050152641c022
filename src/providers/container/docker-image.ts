import type { StartContext } from '../provider.ts'
import { imageUnavailable } from './container-errors.ts'
import type { DockerEngine } from './docker-client.ts'

/** Pulls the image when the engine lacks it; returns the volumes it declares (testbed puts tmpfs there). */
export async function ensureImage(engine: DockerEngine, image: string, context: StartContext): Promise<string[]> {
  const found = await inspectImage(engine, image)
  if (found) return found
  context.progress.step(`${context.serviceName}: pulling ${image} (once; later starts use the engine's copy)`)
  const failure = await pull(engine, image)
  const pulled = await inspectImage(engine, image)
  if (pulled) return pulled
  throw imageUnavailable(
    image,
    context.serviceName,
    engine.name,
    failure ?? new Error('the pull ended without the image'),
  )
}

// Resolves with the reason the pull failed, or null. Podman reports a failed pull as a 200 whose
// progress stream carries the error, so both the request and the stream are read.
async function pull(engine: DockerEngine, image: string): Promise<Error | null> {
  try {
    const stream = await engine.client.pull(image)
    let reported: Error | null = null
    await new Promise((resolve, reject) =>
      engine.client.modem.followProgress(
        stream,
        (error: Error | null) => (error ? reject(error) : resolve(null)),
        (event: { error?: string }) => {
          if (event.error) reported = new Error(event.error)
        },
      ),
    )
    return reported
  } catch (error) {
    return error as Error
  }
}

async function inspectImage(engine: DockerEngine, image: string): Promise<string[] | null> {
  try {
    const inspected = await engine.client.getImage(image).inspect()
    return Object.keys(inspected.Config?.Volumes ?? {})
  } catch {
    return null
  }
}

/** True when the engine has the image (no pull needed). */
export async function hasImage(engine: DockerEngine, image: string): Promise<boolean> {
  return (await inspectImage(engine, image)) !== null
}
