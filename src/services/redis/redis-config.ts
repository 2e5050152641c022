// A logical database per test running at once (the `redis` fixture); Redis's 16 run out with a
// few workers of concurrent tests. About 400 bytes each. `settings.databases` still wins.
const DATABASES = 256

// No persistence: a test server's data is thrown away (`durable: true` keeps Redis's defaults).
const NO_PERSISTENCE: readonly [string, string][] = [
  ['save', ''],
  ['appendonly', 'no'],
]

const TEST_SETTINGS: readonly [string, string][] = [...NO_PERSISTENCE, ['databases', String(DATABASES)]]

/** What every Redis testbed starts gets, whichever provider: many databases, and no persistence unless `durable`. */
export function testSettings({ durable = false } = {}): readonly [string, string][] {
  return durable ? TEST_SETTINGS.filter((setting) => !NO_PERSISTENCE.includes(setting)) : TEST_SETTINGS
}

/**
 * A redis.conf: the provider's own `lines`, the test settings (persistence kept with `durable`), then
 * the password (a file keeps it off command lines).
 */
export function redisConfig(lines: readonly [string, string][], password: string, { durable = false } = {}): string {
  const all = [...lines, ...testSettings({ durable }), ['requirepass', password]]
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
