/** Durability off: a test server's data is thrown away, so waiting for disks buys nothing. Every provider sets these. */
export const DURABILITY_OFF = {
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
}

/** `-c name=value` arguments of `postgres`. */
export function settingArgs(settings: Record<string, string | number | boolean>): string[] {
  return Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`])
}
