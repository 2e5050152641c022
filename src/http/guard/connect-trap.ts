// Loading the interceptor costs each worker about 150 ms (its modules and its HTTP parser), and most
// integration test files only ever talk to loopback. So the guard applies it on the first socket
// connect that needs it, from inside that connect: the trap steps aside, the interceptor (loaded
// synchronously) patches the real method, and the connect is sent again through it.
import net from 'node:net'

type Connect = typeof net.Socket.prototype.connect

/**
 * Patches `net.Socket.prototype.connect` so that the first connect for which `needsInterception`
 * says yes calls `intercept()` first, then goes through whatever it applied. Returns the function
 * that takes the trap away (when nothing was patched over it since).
 */
export function trapFirstConnect(needsInterception: (host: string) => boolean, intercept: () => void): () => void {
  const prototype = net.Socket.prototype
  const original = prototype.connect
  const trap = function connect(this: net.Socket, ...args: unknown[]) {
    const host = targetHost(args)
    if (host === undefined || !needsInterception(host)) return Reflect.apply(original, this, args)
    // Patched over since (a mock's interceptor, whose passthroughs land here): it decides, not us.
    if (prototype.connect !== trap) return Reflect.apply(original, this, args)
    prototype.connect = original
    intercept()
    return Reflect.apply(prototype.connect, this, args)
  } as Connect
  prototype.connect = trap
  return () => {
    if (prototype.connect === trap) prototype.connect = original
  }
}

/** The host a connect goes to; undefined for a local (IPC) socket. */
function targetHost(args: unknown[]): string | undefined {
  // net.connect() and tls.connect() call it with their normalized arguments as one array.
  const [first, second] = (Array.isArray(args[0]) ? args[0] : args) as unknown[]
  if (typeof first === 'object' && first !== null) {
    const options = first as { path?: unknown; host?: unknown }
    return options.path ? undefined : typeof options.host === 'string' ? options.host : 'localhost'
  }
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    return typeof second === 'string' ? second : 'localhost'
  }
  return undefined
}
