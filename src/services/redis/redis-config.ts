// A logical database per test running at once (the `redis` fixture); Redis's 16 run out with a
// few workers of concurrent tests. About 400 bytes each. `settings.databases` still wins.
const DATABASES = 256

/** What every Redis testbed starts gets, whichever provider: no persistence (a test server's data is thrown away), many databases. */
export const TEST_SETTINGS: readonly [string, string][] = [
  ['save', ''],
  ['appendonly', 'no'],
  ['databases', String(DATABASES)],
]

/** A redis.conf: the provider's own `lines`, the test settings, then the password (a file keeps it off command lines). */
export function redisConfig(lines: readonly [string, string][], password: string): string {
  const all = [...lines, ...TEST_SETTINGS, ['requirepass', password]]
  return all.map(([name, value]) => `${name} ${quote(value ?? '')}\n`).join('')
}

/** `--name value` arguments of `redis-server`: user settings, which override the config file. */
export function settingArgs(settings: Record<string, string | number | boolean>): string[] {
  return Object.entries(settings).flatMap(([name, value]) => [`--${name}`, String(value)])
}

// Redis reads double-quoted values with C-style escapes.
function quote(value: string): string {
  const escaped = value
    .replace(/[\\"]/g, (char) => `\\${char}`)
    .replace(/[\r\n]/g, (char) => (char === '\n' ? '\\n' : '\\r'))
  return `"${escaped}"`
}
