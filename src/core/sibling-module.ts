import { extname } from 'node:path'

/**
 * The URL of a module next to the calling one, with the caller's extension: `.ts` in the sources,
 * `.js` once built. For naming a module to import later without importing it now.
 * @example
 * siblingModule(import.meta.url, 'postgres-testing') // file:///…/services/postgres/postgres-testing.ts
 */
export function siblingModule(callerUrl: string, name: string): string {
  return new URL(`./${name}${extname(new URL(callerUrl).pathname)}`, callerUrl).href
}
