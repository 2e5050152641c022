import { leaseWorkerSlot } from './worker-slot.ts'

/** Numbers per factory: a lone worker counts 1, 2, 3…; the worker in slot 1 counts 1,000,001…. */
const SLOT_SIZE = 1_000_000
// Kept on `process` (one per thread) rather than in this module: Vitest can evaluate a module again
// for each test file while the worker lives on, and counting from 1 again would repeat numbers.
const STATE = Symbol.for('testbed.data.sequences')

interface SequenceState {
  offset: number | undefined
  counters: Map<string, number>
}

/** The next sequence number of the factory named `name` in this worker. */
export function nextSequence(name: string): number {
  const state = sequenceState()
  state.offset ??= leaseWorkerSlot() * SLOT_SIZE
  const count = (state.counters.get(name) ?? 0) + 1
  state.counters.set(name, count)
  return state.offset + count
}

function sequenceState(): SequenceState {
  const holder = process as unknown as Record<symbol, SequenceState | undefined>
  holder[STATE] ??= { offset: undefined, counters: new Map() }
  return holder[STATE]
}
