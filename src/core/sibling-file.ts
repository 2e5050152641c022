import { fileURLToPath } from 'node:url'

/**
 * The path of a module next to the one at `moduleUrl` (its `import.meta.url`), for files Node or
 * Vitest load by path: `.ts` in the sources, `.js` once built.
 * @example siblingFile(import.meta.url, './run-watchdog-main')
 */
export function siblingFile(moduleUrl: string, name: string): string {
  const extension = moduleUrl.endsWith('.ts') ? '.ts' : '.js'
  return fileURLToPath(new URL(`${name}${extension}`, moduleUrl))
}
