import { describe, expect, test } from 'vitest'
import { StatementQueue } from './statement-queue.ts'

function setup(options: { waitTimeout?: number; aborted?: () => boolean } = {}) {
  const log: string[] = []
  const queue = new StatementQueue({
    waitTimeout: options.waitTimeout ?? 60_000,
    holderAborted: options.aborted ?? (() => false),
    waitError: (text) => new Error(`${text} waited too long`),
  })
  const step = (owner: object, text: string, opens = false, effect?: () => void) =>
    queue.run(owner, opens, text, async () => {
      await new Promise((resolve) => setImmediate(resolve))
      effect?.()
      log.push(text)
      return text
    })
  return { queue, log, step }
}

describe('StatementQueue', () => {
  test('runs jobs one at a time, in arrival order', async () => {
    const { queue } = setup()
    const a = {}
    const b = {}
    let running = 0
    let most = 0
    const track = (owner: object, text: string) =>
      queue.run(owner, false, text, async () => {
        most = Math.max(most, ++running)
        await new Promise((resolve) => setImmediate(resolve))
        running--
        return text
      })
    expect(await Promise.all([track(a, '1'), track(b, '2'), track(a, '3')])).toEqual(['1', '2', '3'])
    expect(most).toBe(1)
  })

  test("holds another client's BEGIN until the holder lets go, letting plain statements through", async () => {
    const { queue, log, step } = setup()
    const a = {}
    const b = {}
    const c = {}
    await step(a, 'a: BEGIN', true, () => queue.hold(a))
    const all = Promise.all([
      step(b, 'b: BEGIN', true, () => queue.hold(b)),
      step(b, 'b: INSERT'),
      step(c, 'c: SELECT'),
      step(a, 'a: INSERT'),
      step(a, 'a: COMMIT', false, () => queue.letGo(a)),
    ])
    await all
    expect(log).toEqual(['a: BEGIN', 'c: SELECT', 'a: INSERT', 'a: COMMIT', 'b: BEGIN', 'b: INSERT'])
    expect(queue.holder).toBe(b)
  })

  test("holds other clients' statements while the holder's transaction is aborted", async () => {
    let aborted = false
    const { queue, log, step } = setup({ aborted: () => aborted })
    const a = {}
    const b = {}
    await step(a, 'a: BEGIN', true, () => queue.hold(a))
    await Promise.all([
      step(a, 'a: bad INSERT', false, () => {
        aborted = true
      }),
      step(b, 'b: SELECT'),
      step(a, 'a: ROLLBACK', false, () => {
        aborted = false
        queue.letGo(a)
      }),
    ])
    expect(log).toEqual(['a: BEGIN', 'a: bad INSERT', 'a: ROLLBACK', 'b: SELECT'])
  })

  test('fails a job that waits longer than waitTimeout, and runs the rest', async () => {
    const { queue, log, step } = setup({ waitTimeout: 20 })
    const a = {}
    const b = {}
    await step(a, 'a: BEGIN', true, () => queue.hold(a))
    await expect(step(b, 'b: BEGIN', true)).rejects.toThrow('b: BEGIN waited too long')
    await step(b, 'b: SELECT')
    expect(log).toEqual(['a: BEGIN', 'b: SELECT'])
    expect(queue.holder).toBe(a)
  })

  test('drain fails queued jobs and waits for the running one', async () => {
    const { queue, log, step } = setup()
    const a = {}
    const first = step(a, 'first')
    const second = step(a, 'second').catch((error: Error) => error.message)
    await queue.drain((text) => new Error(`drained: ${text}`))
    expect(await Promise.all([first, second])).toEqual(['first', 'drained: second'])
    expect(log).toEqual(['first'])
  })

  test('tells whether an owner has a job running or waiting', async () => {
    const { queue, step } = setup()
    const a = {}
    const b = {}
    const running = step(a, 'running')
    const queued = step(b, 'queued').catch((error: Error) => error.message)
    expect([queue.isBusy(a), queue.isBusy(b), queue.isBusy({})]).toEqual([true, true, false])
    await queue.drain(() => new Error('drained'))
    expect(await Promise.all([running, queued])).toEqual(['running', 'drained'])
  })
})
