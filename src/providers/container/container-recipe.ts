import type { ProbeResult } from '../external-provider.ts'

/** What a started container gets: secrets go in `files` (put in before it starts), never in `env` or `command`. */
export interface ContainerLaunch {
  env: Record<string, string>
  /** The command (the image's entrypoint stays); the image's default when empty. */
  command: string[]
  /** File name in `CONTAINER_FILES_DIR` → content; readable by the server's account in the container. */
  files: Record<string, string>
}

/**
 * How a service kind runs in a container, declared once and used by the `docker` provider and by
 * `testbed compose`. A kind that has a container recipe gets both.
 * @example
 * const recipe: ContainerRecipe = {
 *   label: 'Redis', defaultImage: 'redis:7', port: 6379,
 *   launch: (secret) => ({ env: {}, command: ['redis-server', '/tmp/redis.conf'], files: { 'redis.conf': `requirepass ${secret}\n` } }),
 *   compose: (password) => ({ env: {}, command: ['redis-server', '--requirepass', password] }),
 *   url: (port, secret) => `redis://default:${secret}@127.0.0.1:${port}`,
 *   probe: (url) => probeRedis(url),
 *   dataDirs: () => ['/data'],
 *   healthcheck: (password) => ['CMD', 'redis-cli', '-a', password, 'ping'],
 * }
 */
export interface ContainerRecipe {
  /** For messages: `PostgreSQL`, `Redis`. */
  label: string
  /** The kind's name: `postgres`, `redis` (labels, compose service defaults). */
  kind: string
  /** The image when none is configured: the official image of the major version the other providers serve. */
  defaultImage: string
  /** The port the server listens on inside the container. */
  port: number
  /**
   * The container testbed starts, with a fresh `secret` (the server's password), the user's
   * `settings`, and `durable` (keep the server's own durability settings).
   */
  launch(secret: string, settings: Settings, server: ServerShape): ContainerLaunch
  /** The same server in docker-compose.test.yml, where the password is written in the file. */
  compose(password: string, settings: Settings, server: ServerShape): Omit<ContainerLaunch, 'files'>
  /** A password the user set in `settings`, used instead of a fresh one (Redis's `requirepass`). */
  ownSecret?(settings: Settings): string | undefined
  /** The URL clients use, on the host port. */
  url(hostPort: number, secret: string): string
  /** A real query (not a port check): readiness, and the version it reports. */
  probe(url: string): Promise<ProbeResult>
  /**
   * Where `image` keeps its data, for compose's tmpfs (the provider asks the engine for the image's
   * volumes instead).
   */
  dataDirs(image: string): string[]
  /** A compose healthcheck `test` that runs a real query inside the container. */
  healthcheck(password: string): string[]
}

export type Settings = Record<string, string | number | boolean>

/** The server options every kind's container honours besides its settings. */
export interface ServerShape {
  /** The `durable` option: keep the server's own durability settings instead of testbed's fast ones. */
  durable: boolean
}

/** Where `ContainerLaunch.files` are put in the container: a folder every image has. */
export const CONTAINER_FILES_DIR = '/tmp'
