import { Server, STATUS_CODES } from 'node:http'
import { TestbedError } from '../../core/errors.ts'
import { describeValue } from '../../core/options.ts'
import { injectIntoListener, type NodeListener } from './node-inject.ts'

export type { NodeListener }

/** A request the in-process client sends to the app. */
export interface SentRequest {
  method: string
  /** The path with its query string: `/users?page=2`. */
  path: string
  headers: Headers
  body: Uint8Array | undefined
}

/** The app's answer, read in full. */
export interface ReceivedResponse {
  status: number
  statusText: string
  headers: Headers
  body: Uint8Array
}

/** Calls the app in-process and reads its answer. */
export type Dispatch = (request: SentRequest) => Promise<ReceivedResponse>

/** A fetch-style handler: `(request) => response`. */
export type FetchHandler = (request: Request) => Response | Promise<Response>

/**
 * What `createClient` accepts: a node:http request listener (Express, Koa's `app.callback()`), a Koa
 * app, an `http.Server`, a Fastify instance, an object with a `fetch` handler (Hono), or a
 * `(request: Request) => Response` function.
 */
export type App =
  | NodeListener
  | FetchHandler
  | Server
  | { fetch(request: Request): Response | Promise<Response> }
  | FastifyLike
  | { callback(): NodeListener }

/** A Fastify instance: requests go to its server's request listener once it is ready. */
export interface FastifyLike {
  ready(): PromiseLike<unknown>
  server: Server
}

/** Picks how to call `app` in-process, once, when the client is created. */
export function toDispatch(app: App, origin: URL): Dispatch {
  if (app instanceof Server) return injectInto(requestListenerOf(app), origin)
  if (typeof app === 'function') {
    // A listener takes (req, res) and Express adds next; a fetch handler takes one Request.
    return app.length >= 2 ? injectInto(app as NodeListener, origin) : callFetch(app as FetchHandler, origin)
  }
  if (app !== null && typeof app === 'object') {
    if ('ready' in app && 'server' in app && app.server instanceof Server) return afterReady(app, origin)
    if ('fetch' in app && typeof app.fetch === 'function') return callFetch((request) => app.fetch(request), origin)
    if ('callback' in app && typeof app.callback === 'function') return injectInto(app.callback(), origin)
  }
  throw unknownApp(app)
}

function injectInto(listener: NodeListener, origin: URL): Dispatch {
  return (request) => injectIntoListener(listener, request, origin)
}

/**
 * Fastify's server listener is the path a real request takes, and 4–5× faster than Fastify's
 * `inject` (light-my-request validates and rebuilds each request); `ready()` loads the plugins first.
 */
function afterReady(app: FastifyLike, origin: URL): Dispatch {
  let ready: Promise<NodeListener> | undefined
  return async (request) => {
    ready ??= Promise.resolve(app.ready()).then(() => requestListenerOf(app.server))
    return injectIntoListener(await ready, request, origin)
  }
}

function callFetch(handler: FetchHandler, origin: URL): Dispatch {
  // Paths come from the root (`/users?page=2`): the Request parses the URL once, from a string.
  const base = origin.origin
  return async (request) => {
    const response = await handler(
      // The Request copies the body itself.
      new Request(base + request.path, { method: request.method, headers: request.headers, body: request.body }),
    )
    return {
      status: response.status,
      statusText: response.statusText || STATUS_CODES[response.status] || '',
      headers: response.headers,
      body: new Uint8Array(await response.arrayBuffer()),
    }
  }
}

function requestListenerOf(server: Server): NodeListener {
  const [listener] = server.listeners('request')
  if (listener === undefined) throw unknownApp(server)
  return listener as NodeListener
}

function describeApp(app: unknown): string {
  if (app instanceof Server) return 'an http.Server without a request listener'
  if (app === null || typeof app !== 'object') return describeValue(app)
  const keys = Object.keys(app).slice(0, 5)
  return keys.length === 0
    ? 'an object with no own keys'
    : `an object with keys ${keys.map((k) => `\`${k}\``).join(', ')}`
}

function unknownApp(app: unknown): TestbedError {
  return new TestbedError('TESTBED_HTTP_UNKNOWN_APP', {
    what: 'createClient(app) cannot call this app',
    subject: describeApp(app),
    why: 'It accepts a node:http request listener (Express, `koaApp.callback()`), a Koa app, an http.Server with a request listener, a Fastify instance, an object with a `fetch(request)` method (Hono), or a `(request: Request) => Response` function',
    fix: 'Pass one of those, e.g. the Express app itself or `koaApp.callback()`',
  })
}
