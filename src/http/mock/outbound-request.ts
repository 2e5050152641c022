import { decodeText } from '../message-text.ts'

/** An outbound request the app sent, read in full. */
export interface OutboundRequest {
  method: string
  url: URL
  headers: Headers
  body: Uint8Array
}

/** Reads an intercepted request without consuming it, so it can still pass through. */
export async function readOutboundRequest(request: Request): Promise<OutboundRequest> {
  const body = request.body === null ? new Uint8Array() : new Uint8Array(await request.clone().arrayBuffer())
  return { method: request.method, url: new URL(request.url), headers: new Headers(request.headers), body }
}

/** What `bodyAsJson` returns for a body that is not JSON (`null` is JSON). */
export const NOT_JSON = Symbol('not JSON')
const parsedBodies = new WeakMap<OutboundRequest, unknown>()

/** The body parsed as JSON, or `NOT_JSON`; parsed once per request since every mock's matcher asks. */
export function bodyAsJson(request: OutboundRequest): unknown {
  if (!parsedBodies.has(request)) parsedBodies.set(request, parseJson(request.body))
  return parsedBodies.get(request)
}

function parseJson(bytes: Uint8Array): unknown {
  const text = decodeText(bytes)
  if (text === undefined || text.trim() === '') return NOT_JSON
  try {
    return JSON.parse(text)
  } catch {
    return NOT_JSON
  }
}
