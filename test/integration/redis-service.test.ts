import { connect } from 'node:net'
import { describe, expect, test } from 'vitest'
import { isRunning } from '../../src/core/process-identity.ts'
import { probeRedis } from '../../src/services/redis/redis-probe.ts'
import { redis } from '../../src/services/redis/redis-service.ts'
import { startServices } from '../../src/services/service-set.ts'
import { tempDir } from '../test-utils/temp-dir.ts'
import { processOf } from '../test-utils/test-project.ts'

/**
 * Sends one inline command (after AUTH, when the URL has a password) and returns the raw reply, so
 * the test does not depend on the code under test.
 */
function send(url: string, command: string): Promise<string> {
  const { hostname, port, username, password } = new URL(url)
  const auth = password ? `AUTH ${username} ${password}\r\n` : ''
  return new Promise((resolve, reject) => {
    let reply = ''
    const socket = connect({ host: hostname, port: Number(port) }, () => socket.write(`${auth}${command}\r\n`))
    socket.on('data', (data) => {
      reply += data.toString()
      // AUTH's own +OK comes first; the command's reply is what follows it.
      const answer = auth ? reply.replace(/^\+OK\r\n/, '') : reply
      if ((auth && answer === reply) || !answer.endsWith('\r\n')) return
      resolve(answer)
      socket.end()
    })
    socket.once('error', reject)
  })
}

describe.concurrent('redis() started by testbed', () => {
  test('answers commands on a loopback port, with persistence off', async () => {
    await using set = await startServices({ cache: redis() }, { projectDir: tempDir() })
    const url = set.services[0]?.url ?? ''
    expect(url).toMatch(/^redis:\/\/default:[\w-]{43}@127\.0\.0\.1:\d+$/)
    const { port } = new URL(url)
    expect(await send(`redis://127.0.0.1:${port}`, 'PING')).toBe('-NOAUTH Authentication required.\r\n')
    expect(await send(url, 'SET greeting hello')).toBe('+OK\r\n')
    expect(await send(url, 'GET greeting')).toBe('$5\r\nhello\r\n')
    expect(await send(url, 'CONFIG GET save')).toBe('*2\r\n$4\r\nsave\r\n$0\r\n\r\n')
    expect(await send(url, 'CONFIG GET appendonly')).toBe('*2\r\n$10\r\nappendonly\r\n$2\r\nno\r\n')
  })

  test('exports TESTBED_REDIS_URL and TESTBED_<NAME>_URL', async () => {
    await using set = await startServices({ cache: redis() }, { projectDir: tempDir() })
    const url = set.services[0]?.url
    expect(set.env()).toEqual({ TESTBED_REDIS_URL: url, TESTBED_CACHE_URL: url })
  })

  test('stop() ends the server', async () => {
    const set = await startServices({ cache: redis() }, { projectDir: tempDir() })
    const serverProcess = processOf(set.services[0])
    await set.stop()
    expect(serverProcess && isRunning(serverProcess)).toBe(false)
  })

  test('uses an external server from TESTBED_REDIS_URL instead of starting one', async () => {
    await using own = await startServices({ cache: redis() }, { projectDir: tempDir() })
    const url = own.services[0]?.url ?? ''
    process.env.TESTBED_REDIS_URL = url
    try {
      await using set = await startServices({ other: redis() }, { projectDir: tempDir() })
      expect(set.services[0]).toMatchObject({ provider: 'external', url, handle: null })
    } finally {
      delete process.env.TESTBED_REDIS_URL
    }
  })
})

test('durable: true keeps Redis persistence, which testbed otherwise turns off', async () => {
  await using set = await startServices({ cache: redis({ durable: true }) }, { projectDir: tempDir() })
  const url = set.services[0]?.url ?? ''
  expect(await send(url, 'CONFIG GET save')).not.toBe('*2\r\n$4\r\nsave\r\n$0\r\n\r\n')
  expect(await send(url, 'CONFIG GET save')).toMatch(/^\*2\r\n\$4\r\nsave\r\n\$\d+\r\n\d+ \d+/)
})

describe('probeRedis', () => {
  test('reads the server version with a real INFO command', async () => {
    await using set = await startServices({ cache: redis() }, { projectDir: tempDir() })
    const result = await probeRedis(set.services[0]?.url ?? '')
    expect(result).toEqual({ ok: true, version: expect.stringMatching(/^\d+\.\d+\.\d+$/) })
  })

  test('fails with the server error when the password is wrong', async () => {
    await using set = await startServices(
      { cache: redis({ settings: { requirepass: 'right' } }) },
      { projectDir: tempDir() },
    )
    const { port } = new URL(set.services[0]?.url ?? '')
    const result = await probeRedis(`redis://:wrong@127.0.0.1:${port}`)
    expect(result.ok).toBe(false)
    expect(result.ok === false && result.error.message).toMatch(/^WRONGPASS|^ERR invalid password/)
    expect(await probeRedis(`redis://:right@127.0.0.1:${port}`)).toMatchObject({ ok: true })
  })
})

// Not concurrent: it sets TESTBED_REDIS_URL for the whole process.
test('an external server that answers late (stopped for 2.5 s, past the 2 s probe) is waited for, not refused', async () => {
  await using own = await startServices({ cache: redis() }, { projectDir: tempDir() })
  const url = own.services[0]?.url ?? ''
  const { pid } = processOf(own.services[0]) ?? { pid: 0 }
  process.kill(pid, 'SIGSTOP')
  const resume = setTimeout(() => process.kill(pid, 'SIGCONT'), 2500)
  process.env.TESTBED_REDIS_URL = url
  try {
    await using set = await startServices({ other: redis() }, { projectDir: tempDir() })
    expect(set.services[0]).toMatchObject({ provider: 'external', url })
  } finally {
    clearTimeout(resume)
    process.kill(pid, 'SIGCONT')
    delete process.env.TESTBED_REDIS_URL
  }
})
