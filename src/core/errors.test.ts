import { describe, expect, test } from 'vitest'
import { describeCause, TestbedError } from './errors.ts'

describe('TestbedError', () => {
  test('formats what failed, why, what to do, and details as indented bullets', () => {
    const error = new TestbedError('TESTBED_X', {
      what: 'Cannot start PostgreSQL',
      subject: 'db',
      why: 'The port is taken',
      fix: 'Choose another port',
      details: ['elapsed: 12 ms'],
    })
    expect(error.message).toBe(
      '[testbed] Cannot start PostgreSQL: db.\nThe port is taken. Choose another port.\n  • elapsed: 12 ms',
    )
    expect(error.code).toBe('TESTBED_X')
    expect(error.name).toBe('TestbedError')
  })

  test('keeps the original error as cause', () => {
    const cause = new Error('boom')
    const error = new TestbedError('TESTBED_X', { what: 'It failed', why: 'Boom', fix: 'Retry' }, { cause })
    expect(error.cause).toBe(cause)
    expect(error.message).toBe('[testbed] It failed.\nBoom. Retry.')
  })
})

describe('describeCause', () => {
  test('reads the first error of an AggregateError, as net connect failures throw them', () => {
    expect(describeCause(new AggregateError([new Error('connect ECONNREFUSED 127.0.0.1:1')]))).toBe(
      'connect ECONNREFUSED 127.0.0.1:1',
    )
  })
})
