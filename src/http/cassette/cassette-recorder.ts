import { TestbedError } from '../../core/errors.ts'
import type { OutboundRequest } from '../mock/outbound-request.ts'
import { type Interaction, serializeCassette, writeCassette } from './cassette-file.ts'
import { recordRequest, recordResponse } from './recorded-exchange.ts'
import type { Redactor } from './redaction.ts'

/** Collects the exchanges let through to the real server, in the order they were sent, and writes them as one cassette. */
export class CassetteRecorder {
  readonly path: string
  readonly #redactor: Redactor
  readonly #requests = new Map<string, { slot: number; request: OutboundRequest }>()
  /** One slot per request sent, filled when its response has been read; requests that got none stay empty. */
  readonly #slots: Array<Promise<Interaction> | undefined> = []

  constructor(path: string, redactor: Redactor) {
    this.path = path
    this.#redactor = redactor
  }

  /** Keeps a place for `request`, sent through to the server. */
  expect(requestId: string, request: OutboundRequest): void {
    this.#requests.set(requestId, { slot: this.#slots.length, request })
    this.#slots.push(undefined)
  }

  /** The server's answer to a request `expect`ed before. */
  observe(requestId: string, response: Response): void {
    const pending = this.#requests.get(requestId)
    if (pending === undefined) return
    this.#requests.delete(requestId)
    this.#slots[pending.slot] = this.#interaction(pending.request, response.clone())
  }

  /**
   * Writes the cassette, unless a secret it redacted (or one listed in `secrets`) still appears in
   * it: then nothing is written and a TestbedError says where the secret is.
   */
  async write(): Promise<void> {
    const settled = await Promise.all(this.#slots)
    const interactions = settled.filter((interaction) => interaction !== undefined)
    const leftovers = this.#redactor.leftovers(interactions)
    if (leftovers.length > 0) throw secretInCassette(this.path, leftovers)
    writeCassette(this.path, serializeCassette({ version: 1, interactions }))
  }

  async #interaction(request: OutboundRequest, response: Response): Promise<Interaction> {
    const body = new Uint8Array(await response.arrayBuffer())
    return {
      request: recordRequest(request, this.#redactor),
      response: recordResponse(response.status, response.headers, body, this.#redactor),
    }
  }
}

function secretInCassette(path: string, leftovers: string[]): TestbedError {
  return new TestbedError('TESTBED_HTTP_SECRET_IN_CASSETTE', {
    what: 'A secret is still in the recorded cassette, so it was not written',
    subject: path,
    why: 'Recording redacts Authorization and cookie headers, API keys in query strings and token-like JSON fields, and then checks that none of the values it removed (nor those in `secrets`) appears anywhere else',
    fix: 'Name the place it appears in the `redact` option (`headers`, `query` or `fields`) and record again',
    details: leftovers,
  })
}
