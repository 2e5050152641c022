import { describe, expect, test } from 'vitest'
import { readQueryCall, settle } from './query-call.ts'

describe('readQueryCall', () => {
  const callback = () => {}

  test('reads text, text + values, text + callback and text + values + callback', () => {
    expect(readQueryCall('SELECT 1')).toEqual({
      text: 'SELECT 1',
      config: 'SELECT 1',
      values: undefined,
      callback: undefined,
    })
    expect(readQueryCall('SELECT $1', [1])).toMatchObject({ text: 'SELECT $1', values: [1], callback: undefined })
    expect(readQueryCall('SELECT 1', callback)).toMatchObject({ values: undefined, callback })
    expect(readQueryCall('SELECT $1', [1], callback)).toMatchObject({ values: [1], callback })
  })

  test('reads a config object, keeping its options and taking its callback out', () => {
    const config = { text: 'SELECT $1', values: [1], name: 'q', rowMode: 'array' as const, callback }
    expect(readQueryCall(config)).toEqual({
      text: 'SELECT $1',
      config: { text: 'SELECT $1', values: [1], name: 'q', rowMode: 'array' },
      values: undefined,
      callback,
    })
    expect(readQueryCall({ text: 'SELECT $1' }, [2])).toMatchObject({ values: [2] })
  })

  test('recognizes a query object that drives the protocol itself', () => {
    const submittable = { submit() {}, text: 'SELECT 1' }
    expect(readQueryCall(submittable)).toEqual({ submittable })
  })

  test('refuses a missing query, as pg does', () => {
    expect(() => readQueryCall(undefined)).toThrow('Client was passed a null or undefined query')
  })
})

describe('settle', () => {
  test('returns the promise when there is no callback', async () => {
    await expect(settle(Promise.resolve(1), undefined)).resolves.toBe(1)
  })

  test('calls back with (null, result) or (error) and returns nothing', async () => {
    const calls: unknown[][] = []
    const record = (...args: unknown[]) => calls.push(args)
    const error = new Error('boom')
    expect(settle(Promise.resolve(1), record)).toBeUndefined()
    expect(settle(Promise.reject(error), record)).toBeUndefined()
    await new Promise((resolve) => setImmediate(resolve))
    expect(calls).toEqual([[null, 1], [error]])
  })
})
