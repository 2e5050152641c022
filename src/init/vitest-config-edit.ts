export const PLUGIN_IMPORT = "import { testbed } from 'testbed/vitest/config'"

const IMPORTS = /^import\b[\s\S]*?(?:from\s+)?['"][^'"\n]+['"];?[ \t]*$/gm
const PLUGINS = /\bplugins\s*:\s*\[/
const CONFIG_OBJECT = /(?:defineConfig|defineProject)\(\s*\{|export\s+default\s+\{/

/**
 * The config's text with the testbed() plugin added: the import after the last import, `testbed()`
 * first in `plugins` (or a `plugins` entry opening the config object). Null when the text has no
 * shape it can edit safely; the text as it is when the plugin is there already.
 */
export function addPluginToVitestConfig(text: string): string | null {
  if (text.includes('testbed/vitest/config')) return text
  const lastImport = [...text.matchAll(IMPORTS)].at(-1)
  if (lastImport === undefined) return null
  const afterImports = (lastImport.index ?? 0) + lastImport[0].length
  const withImport = `${text.slice(0, afterImports)}\n${PLUGIN_IMPORT}${text.slice(afterImports)}`
  const plugins = PLUGINS.exec(withImport)
  if (plugins) {
    const at = plugins.index + plugins[0].length
    return insertAt(withImport, at, /^\s*\]/.test(withImport.slice(at)) ? 'testbed()' : 'testbed(), ')
  }
  const config = CONFIG_OBJECT.exec(withImport)
  if (config === null) return null
  return insertAt(withImport, config.index + config[0].length, '\n  plugins: [testbed()],')
}

function insertAt(text: string, index: number, insert: string): string {
  return `${text.slice(0, index)}${insert}${text.slice(index)}`
}

/** A new vitest config with the plugin and nothing else. */
export function vitestConfigText(): string {
  return `${PLUGIN_IMPORT}\nimport { defineConfig } from 'vitest/config'\n\nexport default defineConfig({ plugins: [testbed()] })\n`
}
