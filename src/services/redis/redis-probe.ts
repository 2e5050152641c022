import { connect as connectTcp, type Socket } from 'node:net'
import { connect as connectTls } from 'node:tls'
import { noAnswerError, type ProbeResult } from '../../providers/external-provider.ts'

/**
 * Sends `AUTH` (when the URL has credentials) and `INFO server` over RESP and reads the version:
 * a real command, not a port check. Hand-written because it is three commands, and testbed must
 * not make users install a Redis client they may not use (see decisions/0003-redis-probe.md).
 */
export function probeRedis(url: string, timeoutMs = 2000): Promise<ProbeResult> {
  const target = new URL(url)
  const commands = [...authCommand(target), ['INFO', 'server']]
  return new Promise((resolve) => {
    const socket = open(target)
    const finish = (result: ProbeResult) => {
      socket.destroy()
      resolve(result)
    }
    socket.setTimeout(timeoutMs, () => finish({ ok: false, error: noAnswerError(timeoutMs) }))
    socket.on('error', (error) => finish({ ok: false, error }))
    socket.on('connect', () => socket.write(commands.map(encode).join('')))
    socket.on('secureConnect', () => socket.write(commands.map(encode).join('')))
    let buffer = ''
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8')
      const result = parseReplies(buffer, commands.length)
      if (result) finish(result)
    })
  })
}

function open(target: URL): Socket {
  const port = Number(target.port || 6379)
  const host = target.hostname.replace(/^\[|\]$/g, '')
  return target.protocol === 'rediss:' ? connectTls({ host, port, servername: host }) : connectTcp({ host, port })
}

function authCommand(target: URL): string[][] {
  const password = decodeURIComponent(target.password)
  const user = decodeURIComponent(target.username)
  if (!password) return []
  return [user ? ['AUTH', user, password] : ['AUTH', password]]
}

function encode(args: string[]): string {
  return `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`
}

// Returns null until all replies arrived. An error reply (`-ERR …`) fails the probe; the last reply is INFO's bulk string.
function parseReplies(buffer: string, expected: number): ProbeResult | null {
  if (buffer.startsWith('-')) {
    const line = buffer.slice(1, buffer.indexOf('\r\n'))
    return { ok: false, error: Object.assign(new Error(line), { code: line.split(' ')[0] }) }
  }
  if (expected > 1 && buffer.startsWith('+OK\r\n')) return parseReplies(buffer.slice(5), expected - 1)
  const header = /^\$(\d+)\r\n/.exec(buffer)
  if (!header?.[1]) return null
  const body = buffer.slice(header[0].length)
  if (Buffer.byteLength(body) < Number(header[1])) return null
  const version = /redis_version:([^\r\n]+)/.exec(body)?.[1] ?? /valkey_version:([^\r\n]+)/.exec(body)?.[1] ?? 'unknown'
  return { ok: true, version }
}
