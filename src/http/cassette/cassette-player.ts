import type { OutboundRequest } from '../mock/outbound-request.ts'
import type { Cassette, Interaction } from './cassette-file.ts'
import { changedLineCount, lineDiff } from './line-diff.ts'
import { recordRequest, requestLines } from './recorded-exchange.ts'
import { REDACTED, type Redactor } from './redaction.ts'

/** Lines of diff shown for the nearest recorded request. */
const SHOWN_DIFF_LINES = 40

/**
 * Answers requests from a cassette. A request matches an interaction when method, URL and body are
 * the same once redacted the way recording redacts them, `[redacted]` in the recording matching any
 * text (a value recording learned was secret only later); each interaction answers once, in order.
 */
export class CassettePlayer {
  readonly path: string
  readonly #interactions: readonly Interaction[]
  readonly #redactor: Redactor
  readonly #used = new Set<number>()

  constructor(path: string, cassette: Cassette, redactor: Redactor) {
    this.path = path
    this.#interactions = cassette.interactions
    this.#redactor = redactor
  }

  /** The first unused interaction recorded for `request`, now used. */
  take(request: OutboundRequest): Interaction | undefined {
    const sent = this.#linesOf(request).join('\n')
    const index = this.#interactions.findIndex(
      (interaction, i) => !this.#used.has(i) && matchesRecorded(requestLines(interaction.request).join('\n'), sent),
    )
    if (index === -1) return undefined
    this.#used.add(index)
    return this.#interactions[index]
  }

  /** Detail lines: the recorded request nearest to `request`, as a diff from it to what was sent. */
  describeNearest(request: OutboundRequest, indent: string): string[] {
    const sent = this.#linesOf(request)
    const ranked = this.#interactions
      .map((interaction, index) => ({ index, lines: requestLines(interaction.request) }))
      .map((candidate) => ({ ...candidate, distance: changedLineCount(candidate.lines, sent) }))
      .sort((a, b) => a.distance - b.distance)
    const nearest = ranked[0]
    if (nearest === undefined) return [`${indent}nearest recorded request: none, the cassette is empty`]
    const used = this.#used.has(nearest.index) ? ', already replayed: each recorded request answers once' : ''
    const diff = lineDiff(nearest.lines, sent)
    const shown = diff.slice(0, SHOWN_DIFF_LINES).map((line) => `${indent}  ${line}`)
    if (diff.length > SHOWN_DIFF_LINES) shown.push(`${indent}  … ${diff.length - SHOWN_DIFF_LINES} more lines`)
    return [`${indent}nearest recorded request (interaction ${nearest.index + 1}${used}), - recorded + sent:`, ...shown]
  }

  #linesOf(request: OutboundRequest): string[] {
    return requestLines(recordRequest(request, this.#redactor))
  }
}

function matchesRecorded(recorded: string, sent: string): boolean {
  if (recorded === sent) return true
  if (!recorded.includes(REDACTED)) return false
  const parts = recorded.split(REDACTED).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
  return new RegExp(`^${parts.join('[^\\n]*?')}$`).test(sent)
}
