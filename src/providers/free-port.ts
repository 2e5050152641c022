import { createServer } from 'node:net'
import { describeCause, TestbedError } from '../core/errors.ts'

/** A port the kernel just handed out; the server that binds it next must still handle losing a race for it. */
export function ephemeralPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.once('error', (error) => reject(noFreePort(error)))
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(noFreePort(address))))
    })
  })
}

function noFreePort(cause: unknown): TestbedError {
  return new TestbedError(
    'TESTBED_SERVICE_NO_FREE_PORT',
    {
      what: 'Cannot get a free loopback port for a server',
      subject: '127.0.0.1:0',
      why: `The kernel refused to hand one out (${describeCause(cause)}): loopback may be down, or every ephemeral port in use`,
      fix: 'Check that 127.0.0.1 is up (`ip addr show lo`), or give the service a fixed `port`',
    },
    { cause },
  )
}

export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.unref()
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}

/** Fails before starting a server on a port the user chose that something else already holds. */
export async function assertPortFree(port: number, serviceName: string, label: string): Promise<void> {
  if (port === 0 || (await isPortFree(port))) return
  throw new TestbedError('TESTBED_SERVICE_PORT_TAKEN', {
    what: `Cannot start ${label} for service "${serviceName}": the \`port\` it was given is taken`,
    subject: `127.0.0.1:${port}`,
    why: 'Another process is already listening on that port',
    fix: `Stop that process (\`ss -ltnp 'sport = :${port}'\` shows it), choose another \`port\`, or remove \`port\` to let testbed pick a free one`,
  })
}
