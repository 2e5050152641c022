import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import semver from 'semver'

/** `actions/setup-node`'s version input, and where it came from (for the command's summary). */
export interface NodeVersion {
  with: { 'node-version': string } | { 'node-version-file': string }
  from: string
  /** Set when the project's own declaration could not be used as it is. */
  note?: string
}

const VERSION_FILES = ['.nvmrc', '.node-version']
// Majors to try above testbed's own minimum: far enough for any range written today.
const MAJORS_AHEAD = 12

/**
 * The Node CI runs: the oldest major that package.json's `engines.node` allows and testbed supports
 * (a test on the oldest supported Node catches use of newer APIs); else a `.nvmrc` or
 * `.node-version` file; else the latest LTS.
 * @example
 * nodeVersionFor('/repo', '>=22.12').with // { 'node-version': '22' }
 */
export function nodeVersionFor(projectDir: string, engines: string | undefined): NodeVersion {
  if (engines !== undefined) return fromEngines(engines)
  const file = VERSION_FILES.find((name) => existsSync(join(projectDir, name)))
  if (file) return { with: { 'node-version-file': file }, from: file }
  return { with: { 'node-version': 'lts/*' }, from: 'no engines.node in package.json: the latest LTS' }
}

function fromEngines(engines: string): NodeVersion {
  const from = `engines.node \`${engines}\``
  const range = semver.validRange(engines)
  if (range === null) {
    const note = `package.json's engines.node \`${engines}\` is not a semver range; the workflow uses the latest LTS`
    return { with: { 'node-version': 'lts/*' }, from, note }
  }
  const floor = semver.minVersion(testbedEngines()) as semver.SemVer
  for (let major = floor.major; major <= floor.major + MAJORS_AHEAD; major++) {
    // setup-node installs the newest release of a major: usable when that release is in the range.
    if (semver.satisfies(`${major}.9999.9999`, range)) return { with: { 'node-version': String(major) }, from }
  }
  const exact = semver.minVersion(range)
  if (exact && semver.gte(exact, floor)) return { with: { 'node-version': exact.version }, from }
  const note = `package.json's engines.node \`${engines}\` allows no Node that testbed supports (${testbedEngines()}); the workflow uses the latest LTS`
  return { with: { 'node-version': 'lts/*' }, from, note }
}

function testbedEngines(): string {
  const manifest = new URL('../../package.json', import.meta.url)
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { engines: { node: string } }).engines.node
}
