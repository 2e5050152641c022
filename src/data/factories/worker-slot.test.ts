import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { stateDir } from '../../core/paths.ts'
import { leaseWorkerSlot } from './worker-slot.ts'

const slots = () => join(stateDir(), 'sequence-slots')

describe('leaseWorkerSlot()', () => {
  test('hands out the lowest slot no live worker holds', () => {
    const first = leaseWorkerSlot()
    const second = leaseWorkerSlot()
    expect(second).toBe(first + 1)
  })

  test('takes over a slot whose holder has died', () => {
    leaseWorkerSlot()
    // pid_max is at most 2^22 on Linux: no process has this pid.
    writeFileSync(join(slots(), '0.lock'), JSON.stringify({ pid: 2 ** 22 + 1, startTime: null, threadId: 0 }))
    expect(leaseWorkerSlot()).toBe(0)
  })
})
