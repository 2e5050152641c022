import type { ShardSummary } from './duration-sequencer.ts'

/** What the global setup and the reporter tell each other about the current run (both run in Vitest's main process). */
export interface RunState {
  /** The test files of the run, from the reporter's `onTestRunStart`; null before it (such as for `vitest list`). */
  files: Array<{ project: string; file: string }> | null
  services: ServicesReport | null
  /** This run's shard, when `--shard` split the files by recorded durations. */
  shard: ShardSummary | null
}

export interface ServicesReport {
  /** False when testbed started nothing, with the reason. */
  started: boolean
  reason: string | null
  attached: boolean
  servicesMs: number
  templatesMs: number
  templatesBuilt: number
  /** When the services began to start (epoch ms), for the report's timeline; the templates follow them. */
  startedAt?: number
  /** What serves each service, for the report. */
  services?: Array<{ name: string; kind: string; provider: string; version: string }>
  /** Services set aside because this machine cannot provide them, with the line that says how to. */
  unavailable?: string[]
}

// Vitest may load the plugin, the global setup and the reporter as separate module copies (one
// natively, one through its module runner), so the state hangs off the process, keyed by the Vitest instance.
const KEY = Symbol.for('testbed.vitest.run-state')

export function runState(vitest: object): RunState {
  const holder = globalThis as Record<symbol, WeakMap<object, RunState> | undefined>
  const registry = holder[KEY] ?? new WeakMap<object, RunState>()
  holder[KEY] = registry
  let state = registry.get(vitest)
  if (!state) {
    state = { files: null, services: null, shard: null }
    registry.set(vitest, state)
  }
  return state
}
