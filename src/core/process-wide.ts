/**
 * One value per process under `key`, created on first use. For state that must be shared although
 * a module may be loaded twice: the config file (through jiti) and the test runner can each hold a
 * copy of testbed's modules.
 */
export function processWide<T>(key: string, create: () => T): T {
  const symbol = Symbol.for(`testbed.${key}`)
  const holder = globalThis as Record<symbol, T | undefined>
  const existing = holder[symbol]
  if (existing !== undefined) return existing
  const created = create()
  holder[symbol] = created
  return created
}
