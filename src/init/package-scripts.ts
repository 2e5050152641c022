import type { PackageJson } from './project-facts.ts'

/** npm's placeholder from `npm init`: a project without tests. */
const NPM_PLACEHOLDER = /no test specified/

/** The scripts testbed wants: `test` (unless the project has a real one), `test:unit`, `test:integration`. */
export function wantedScripts(scripts: Record<string, string>): Record<string, string> {
  const ownTest = scripts.test !== undefined && !NPM_PLACEHOLDER.test(scripts.test)
  return {
    ...(ownTest ? { 'test:unit': 'testbed test' } : { test: 'testbed test' }),
    'test:integration': 'testbed test --integration',
  }
}

/** Adds the scripts missing from package.json (all of them with `force`); returns the names added and the new text. */
export function addScripts(packageJson: PackageJson, force: boolean): { added: string[]; text: string | null } {
  const scripts = { ...(packageJson.data.scripts ?? {}) }
  const wanted = wantedScripts(scripts)
  const added = Object.keys(wanted).filter(
    (name) => scripts[name] !== wanted[name] && (force || !(name in scripts) || name === 'test'),
  )
  if (added.length === 0) return { added, text: null }
  for (const name of added) scripts[name] = wanted[name] as string
  const data = { ...packageJson.data, scripts }
  return { added, text: `${JSON.stringify(data, null, packageJson.indent)}\n` }
}
