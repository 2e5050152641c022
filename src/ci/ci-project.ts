import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, sep } from 'node:path'
import type { LoadedConfig } from '../core/config-loader.ts'
import { TestbedError } from '../core/errors.ts'
import { configuredServices } from '../services/default-services.ts'
import { mentionsTags } from '../vitest/integration-tags.ts'
import { DEFAULT_DIRS } from '../vitest/settings.ts'
import { type NodeVersion, nodeVersionFor } from './node-version.ts'
import { detectPackageManager, type PackageManager } from './package-manager.ts'
import { type ServiceNeeds, serviceNeeds } from './service-needs.ts'

/** What the workflow is generated from: the project's config, package.json and files. */
export interface CiProject {
  /** The git checkout's top folder: the workflow goes in its `.github/workflows`. */
  repoRoot: string
  /** The project relative to the repository root, with `/`; '' when it is the root. */
  dir: string
  packageManager: PackageManager
  node: NodeVersion
  /** The coverage provider among the project's dependencies (`@vitest/coverage-v8`), or null. */
  coverage: string | null
  services: ServiceNeeds
  /** Project-relative globs whose contents key testbed's cache: config, migrations, seeds, fixtures, lock file. */
  cacheInputs: string[]
  /** Which of the test folders exist, so that a job never runs a project with no files. */
  unitDir: string | null
  integrationDir: string | null
  /** Test files of the unit folder tag integration tests (`{ tags: ['integration'] }`): its job needs the services. */
  unitTagsIntegration: boolean
  /**
   * The suite is adopted (`integrationTests` set): no `unit` and `integration` projects, and a file
   * may hold both kinds, so every job runs the whole suite's share of files.
   */
  adopted: boolean
}

interface PackageJson {
  engines?: { node?: string }
  packageManager?: string
  dependencies?: Record<string, string>
  devDependencies?: Record<string, string>
}

const COVERAGE_PROVIDERS = ['@vitest/coverage-v8', '@vitest/coverage-istanbul']

/** Reads what the workflow depends on from the loaded config and the project's files. */
export function readCiProject(loaded: LoadedConfig): CiProject {
  const { projectDir, config } = loaded
  const manifest = readPackageJson(projectDir)
  const repoRoot = gitRoot(projectDir)
  const packageManager = detectPackageManager(projectDir, manifest.packageManager)
  const services = configuredServices(config)
  const dirs = { ...DEFAULT_DIRS, ...config.dirs }
  const dependencies = { ...manifest.dependencies, ...manifest.devDependencies }
  return {
    repoRoot,
    dir: relative(repoRoot, projectDir).split(sep).join('/'),
    packageManager,
    node: nodeVersionFor(projectDir, manifest.engines?.node),
    coverage: COVERAGE_PROVIDERS.find((name) => name in dependencies) ?? null,
    services: serviceNeeds(services),
    cacheInputs: [
      ...(loaded.file ? [relative(projectDir, loaded.file)] : []),
      ...Object.values(services).flatMap((service) => templateInputs(service.options)),
      ...(packageManager.lockfile ? [packageManager.lockfile] : []),
    ],
    unitDir: existsSync(join(projectDir, dirs.unit)) ? dirs.unit : null,
    integrationDir: existsSync(join(projectDir, dirs.integration)) ? dirs.integration : null,
    unitTagsIntegration: tagsIntegration(join(projectDir, dirs.unit), join(projectDir, dirs.integration)),
    adopted: config.integrationTests !== undefined,
  }
}

const TEST_FILE = /\.(?:test|spec)\.[cm]?[jt]sx?$/

// The guess the endpoint makes before a file runs (integration-tags.ts), over the unit folder's files.
function tagsIntegration(unitDir: string, integrationDir: string): boolean {
  return (
    existsSync(unitDir) &&
    testFiles(unitDir, integrationDir).some((file) => mentionsTags(readFileSync(file, 'utf8'), ['integration']))
  )
}

// The unit folder may be the project itself: node_modules, hidden folders and the integration folder are not walked.
function testFiles(dir: string, integrationDir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) {
      const skipped = entry.name === 'node_modules' || entry.name.startsWith('.') || path === integrationDir
      return skipped ? [] : testFiles(path, integrationDir)
    }
    return entry.isFile() && TEST_FILE.test(entry.name) ? [path] : []
  })
}

function templateInputs(options: object): string[] {
  const { migrations, seeds = [], fixtures } = options as { migrations?: string; seeds?: string[]; fixtures?: string }
  return [...(migrations ? [`${migrations}/**`] : []), ...seeds, ...(fixtures ? [`${fixtures}/**`] : [])]
}

function readPackageJson(projectDir: string): PackageJson {
  const path = join(projectDir, 'package.json')
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as PackageJson
  } catch (error) {
    throw new TestbedError(
      'TESTBED_CI_NO_PACKAGE_JSON',
      {
        what: 'Cannot read the project’s package.json',
        subject: path,
        why: 'testbed ci takes the Node version, the package manager and the coverage provider from it',
        fix: 'Run the command in the folder of testbed.config.ts and package.json, or pass --config',
        details: [(error as Error).message],
      },
      { cause: error },
    )
  }
}

// The top of the git checkout (a `.git` folder, or a `.git` file in a worktree); the project itself outside git.
function gitRoot(projectDir: string): string {
  for (let dir = projectDir; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir
    if (dirname(dir) === dir) return projectDir
  }
}
