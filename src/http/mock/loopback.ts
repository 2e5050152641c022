/** True for hosts on this machine: localhost, 127.0.0.0/8, ::1 (with or without brackets). */
export function isLoopback(hostname: string): boolean {
  const host = unbracket(hostname).toLowerCase()
  if (host === 'localhost' || host.endsWith('.localhost')) return true
  if (host === '::1' || host === '0:0:0:0:0:0:0:1') return true
  const ipv4 = host.startsWith('::ffff:') ? host.slice('::ffff:'.length) : host
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(ipv4)
}

/** Whether `url` is one of `hosts` (`host` or `host:port`), which a mock intercepts although they are loopback. */
export function isListedHost(url: URL, hosts: readonly string[]): boolean {
  const hostname = unbracket(url.hostname).toLowerCase()
  const port = url.port || (url.protocol === 'https:' ? '443' : '80')
  return hosts.some((entry) => {
    const { hostname: listedName, port: listedPort } = new URL(`http://${entry}`)
    return unbracket(listedName).toLowerCase() === hostname && (listedPort === '' || listedPort === port)
  })
}

function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host
}
