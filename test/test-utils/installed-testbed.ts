import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readdirSync, realpathSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { tempDir } from './temp-dir.ts'

const REPO = fileURLToPath(new URL('../..', import.meta.url))

/**
 * A folder whose `node_modules` looks like a user's after `npm install testbed vitest ioredis`:
 * testbed freshly built from these sources (package.json with its "exports", bin/, dist/) as a
 * real folder, every other package linked from this repo's node_modules. Projects made inside it
 * import `testbed` and `testbed/vitest` by package name, as users do, and get the built code.
 * Built once per test file, into its own folder: concurrent files never write the same dist.
 */
export function installedTestbed(): string {
  workspace ??= install()
  return workspace
}

let workspace: string | undefined

function install(): string {
  const root = realpathSync(tempDir('testbed-installed-'))
  const modules = join(root, 'node_modules')
  const target = join(modules, 'testbed')
  mkdirSync(target, { recursive: true })
  build(join(target, 'dist'))
  cpSync(join(REPO, 'package.json'), join(target, 'package.json'))
  cpSync(join(REPO, 'bin'), join(target, 'bin'), { recursive: true })
  for (const entry of readdirSync(join(REPO, 'node_modules'))) {
    if (entry === '.bin' || entry.startsWith('.') || entry === 'testbed') continue
    symlinkSync(join(REPO, 'node_modules', entry), join(modules, entry))
  }
  return root
}

// Type errors are `npm run typecheck`'s business (tsc emits JavaScript anyway); these tests need the output.
function build(outDir: string): void {
  const tsc = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc')
  const result = spawnSync(process.execPath, [tsc, '-p', join(REPO, 'tsconfig.build.json'), '--outDir', outDir], {
    encoding: 'utf8',
  })
  const expected = ['public/index.js', 'public/vitest.js', 'public/vitest-config.js', 'cli/bin.js']
  const missing = expected.filter((file) => !existsSync(join(outDir, file)))
  if (missing.length > 0)
    throw new Error(`building testbed left out ${missing.join(', ')}:\n${result.stdout}${result.stderr}`)
}
