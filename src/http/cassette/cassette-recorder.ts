import type { OutboundRequest } from '../mock/outbound-request.ts'
import { type Interaction, serializeCassette, writeCassette } from './cassette-file.ts'
import { recordRequest, recordResponse } from './recorded-exchange.ts'
import type { Redactor } from './redaction.ts'
import { scanForSecrets, secretInCassette } from './secret-scan.ts'

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
   * Writes the cassette, with every value redacted anywhere removed everywhere, unless it still
   * looks like it holds a secret: then nothing is written and a TestbedError names each place.
   */
  async write(): Promise<void> {
    const settled = await Promise.all(this.#slots)
    // A value redacted in a later interaction may have been sent in an earlier one.
    const interactions = settled
      .filter((interaction) => interaction !== undefined)
      .map((i) => this.#redactor.replaceKnown(i))
    const findings = scanForSecrets(interactions, this.#redactor)
    if (findings.length > 0) throw secretInCassette(this.path, findings)
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
