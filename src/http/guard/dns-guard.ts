// Wraps dns.lookup, the resolver every net.connect / tls.connect by host name goes through (the
// property is read at each call, so patching the module object reaches Node's own sockets), and
// dns.promises.lookup. `syncBuiltinESMExports` carries the patch to `import { lookup } from 'node:dns'`.
import dns from 'node:dns'
import { syncBuiltinESMExports } from 'node:module'

/** Decides a lookup: undefined lets it through, an error fails it without any query. */
export type LookupDecision = (hostname: string) => Error | undefined

type LookupCallback = (error: Error | null, address?: unknown, family?: number) => void

/**
 * Guards every DNS lookup of the process with `decide`, and answers `*.localhost` as `localhost`
 * without a query (RFC 6761). Returns the function that restores the real lookups.
 */
export function guardDnsLookups(decide: LookupDecision): () => void {
  const realLookup = dns.lookup
  const realPromisesLookup = dns.promises.lookup
  const guardedLookup = (hostname: string, options: unknown, callback?: LookupCallback) => {
    const done = (typeof options === 'function' ? options : callback) as LookupCallback
    const error = decide(hostname)
    if (error !== undefined) return process.nextTick(done, error)
    const args = typeof options === 'function' ? [options] : [options, callback]
    return Reflect.apply(realLookup, dns, [asLocalhost(hostname), ...args])
  }
  const guardedPromisesLookup = async (hostname: string, options?: unknown) => {
    const error = decide(hostname)
    if (error !== undefined) throw error
    return Reflect.apply(realPromisesLookup, dns.promises, [asLocalhost(hostname), options])
  }
  setLookups(guardedLookup as typeof dns.lookup, guardedPromisesLookup as typeof dns.promises.lookup)
  return () => setLookups(realLookup, realPromisesLookup)
}

function setLookups(lookup: typeof dns.lookup, promisesLookup: typeof dns.promises.lookup): void {
  dns.lookup = lookup
  dns.promises.lookup = promisesLookup
  syncBuiltinESMExports()
}

/** `api.localhost` is `localhost`: resolved from the hosts file, never sent to a DNS server. */
function asLocalhost(hostname: string): string {
  return hostname.toLowerCase().endsWith('.localhost') ? 'localhost' : hostname
}
