import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { findConfigFile } from '../core/config-loader.ts'
import { uneditableVitestConfig } from './init-errors.ts'
import { addScripts } from './package-scripts.ts'
import type { ProjectFacts } from './project-facts.ts'
import { integrationTestText, testbedConfigText, unitTestText } from './scaffold-files.ts'
import { addPluginToVitestConfig, PLUGIN_IMPORT, vitestConfigText } from './vitest-config-edit.ts'

/** One thing `testbed init` did, or left alone: `wrote testbed.config.ts`. */
export interface InitStep {
  verb: 'wrote' | 'updated' | 'kept' | 'has'
  path: string
  note?: string
}

/** Writes what the project lacks; never overwrites a file without `force`. */
export function initProject(facts: ProjectFacts, force: boolean): InitStep[] {
  const ext = scriptExtension(facts)
  const configPath = findConfigFile(facts.dir)
  return [
    writeFile(
      facts.dir,
      configPath ? configPath.slice(facts.dir.length + 1) : `testbed.config.${ext}`,
      testbedConfigText(facts),
      force,
    ),
    addPlugin(facts, ext),
    writeFile(facts.dir, `tests/unit/example.test.${ext}`, unitTestText(), force),
    writeFile(facts.dir, `tests/integration/example.test.${ext}`, integrationTestText(facts), force),
    updateScripts(facts, force),
    ...ignoreReport(facts.dir),
  ]
}

/** `.ts` in TypeScript projects; `.mjs` where a plain `.js` would be CommonJS, so `import` works everywhere. */
export function scriptExtension(facts: ProjectFacts): string {
  if (facts.typescript) return 'ts'
  return facts.esm ? 'js' : 'mjs'
}

function writeFile(dir: string, path: string, text: string, force: boolean): InitStep {
  const absolute = join(dir, path)
  const exists = existsSync(absolute)
  if (exists && readFileSync(absolute, 'utf8') === text) return { verb: 'has', path }
  if (exists && !force) return { verb: 'kept', path, note: 'it exists; --force overwrites it' }
  mkdirSync(dirname(absolute), { recursive: true })
  writeFileSync(absolute, text)
  return { verb: exists ? 'updated' : 'wrote', path }
}

function addPlugin(facts: ProjectFacts, ext: string): InitStep {
  if (facts.vitestConfig === null) {
    // A CommonJS TypeScript project's vitest.config.ts would be bundled as CommonJS: .mts is ESM everywhere.
    const name = `vitest.config.${ext === 'ts' && !facts.esm ? 'mts' : ext}`
    return writeFile(facts.dir, name, vitestConfigText(), false)
  }
  const path = join(facts.dir, facts.vitestConfig)
  const text = readFileSync(path, 'utf8')
  const edited = addPluginToVitestConfig(text)
  if (edited === null) throw uneditableVitestConfig(path, PLUGIN_IMPORT)
  if (edited === text) return { verb: 'has', path: facts.vitestConfig, note: 'the testbed() plugin' }
  writeFileSync(path, edited)
  return { verb: 'updated', path: facts.vitestConfig, note: 'added the testbed() plugin' }
}

function updateScripts(facts: ProjectFacts, force: boolean): InitStep {
  const { added, text } = addScripts(facts.packageJson, force)
  if (text === null) return { verb: 'has', path: 'package.json', note: 'the test scripts' }
  writeFileSync(join(facts.dir, 'package.json'), text)
  return { verb: 'updated', path: 'package.json', note: `scripts ${added.join(', ')}` }
}

// The report is rebuilt every run; durations.json stays tracked, as CI shards by it.
function ignoreReport(dir: string): InitStep[] {
  const path = join(dir, '.gitignore')
  if (!existsSync(path)) return []
  const text = readFileSync(path, 'utf8')
  if (/^\/?\.testbed\/?(report\/?)?$/m.test(text)) return []
  appendFileSync(path, `${text.endsWith('\n') || text === '' ? '' : '\n'}.testbed/report/\n`)
  return [{ verb: 'updated', path: '.gitignore', note: 'ignores .testbed/report/' }]
}
