import { describe, expect, test } from 'vitest'
import { describeCause, TestbedError } from './errors.ts'

describe('TestbedError', () => {
  test('formats what failed, why, what to do, and details as indented bullets', () => {
    const error = new TestbedError('TESTBED_SERVICE_PORT_TAKEN', {
      what: 'Cannot start PostgreSQL',
      subject: 'db',
      why: 'The port is taken',
      fix: 'Choose another port',
      details: ['elapsed: 12 ms'],
    })
    expect(error.message).toBe(
      '[testbed] Cannot start PostgreSQL: db.\nThe port is taken. Choose another port.\n  • elapsed: 12 ms\n' +
        'Read more: node_modules/testbed/docs/errors.md#testbed_service_port_taken',
    )
    expect(error.code).toBe('TESTBED_SERVICE_PORT_TAKEN')
    expect(error.name).toBe('TestbedError')
  })

  test('keeps the original error as cause', () => {
    const cause = new Error('boom')
    const error = new TestbedError(
      'TESTBED_CONFIG_INVALID',
      { what: 'It failed', why: 'Boom', fix: 'Retry' },
      { cause },
    )
    expect(error.cause).toBe(cause)
    expect(error.message).toBe(
      '[testbed] It failed.\nBoom. Retry.\nRead more: node_modules/testbed/docs/errors.md#testbed_config_invalid',
    )
  })

  test('leaves out the period that ends a why or a fix, so a quoted cause reads as one sentence', () => {
    const error = new TestbedError('TESTBED_CONFIG_INVALID', {
      what: 'It failed',
      why: 'The server said: relation "x" does not exist.',
      fix: 'Create it.',
    })
    expect(error.message.split('\n')[1]).toBe('The server said: relation "x" does not exist. Create it.')
  })

  test('is quoted inside another error without its docs link', () => {
    const inner = new TestbedError('TESTBED_CONFIG_INVALID', { what: 'Inner', why: 'Why', fix: 'Fix' })
    expect(describeCause(inner)).toBe('[testbed] Inner.\nWhy. Fix.')
  })
})

describe('describeCause', () => {
  test('reads the first error of an AggregateError, as net connect failures throw them', () => {
    expect(describeCause(new AggregateError([new Error('connect ECONNREFUSED 127.0.0.1:1')]))).toBe(
      'connect ECONNREFUSED 127.0.0.1:1',
    )
  })
})
