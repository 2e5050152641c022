import type { TagDeclaration } from '../../core/config.ts'
import type { TestbedSettings } from '../settings.ts'

export const PROJECT_NAMES = ['unit', 'integration'] as const

/** Absolute paths of the files Vitest loads by name. */
export interface TestbedFiles {
  globalSetup: string
  tagFile: string
  networkGuardFile: string
  reportFile: string
  endpointFile: string
}

// Vitest's default include and exclude, per folder.
const TEST_FILES = '**/*.{test,spec}.?(c|m)[jt]s?(x)'
const EXCLUDE = ['**/node_modules/**', '**/.git/**']

/**
 * The `test` block the plugin adds: testbed's tags (strict), the projects `unit` and `integration`
 * from their folders, the global setup, and the settings every process reads.
 */
export function testConfig(settings: TestbedSettings, files: TestbedFiles) {
  if (settings.integrationTests !== null) return adoptedConfig(settings, files)
  const { dirs, timeoutMs } = settings
  return {
    ...everyRun(settings, files),
    projects: [
      {
        test: {
          name: 'unit',
          include: [`${dirs.unit}/${TEST_FILES}`],
          exclude: [...EXCLUDE, ...(isInside(dirs.integration, dirs.unit) ? [`${dirs.integration}/**`] : [])],
          setupFiles: [files.tagFile, files.networkGuardFile, files.reportFile],
          provide: { 'testbed:tag': 'unit' },
        },
      },
      {
        test: {
          name: 'integration',
          include: [`${dirs.integration}/${TEST_FILES}`],
          exclude: EXCLUDE,
          setupFiles: [files.tagFile, files.networkGuardFile, files.reportFile, files.endpointFile],
          provide: { 'testbed:tag': 'integration' },
          testTimeout: timeoutMs,
          hookTimeout: timeoutMs,
        },
      },
    ],
  }
}

/**
 * Adopting a suite (`integrationTests` set): the suite keeps its own include, exclude, globals and
 * projects; the plugin adds tags, the global setup, what every process reads, and setup files that
 * tag its integration files by glob, guard their network and give them the endpoint. Vitest appends
 * these setup files to the suite's own.
 */
function adoptedConfig(settings: TestbedSettings, files: TestbedFiles) {
  return { ...everyRun(settings, files), setupFiles: adoptedSetupFiles(files) }
}

/** The setup files of an adopted suite, appended to its own (and to each of its inline projects'). */
export function adoptedSetupFiles(files: TestbedFiles): string[] {
  return [files.tagFile, files.networkGuardFile, files.reportFile, files.endpointFile]
}

/** Testbed's tags (strict), the global setup, and the settings every process reads. */
function everyRun(settings: TestbedSettings, files: TestbedFiles) {
  return {
    tags: settings.tags.map((tag) => vitestTag(tag, settings)),
    strictTags: true,
    globalSetup: [files.globalSetup],
    provide: {
      'testbed:settings': settings,
      isolation: settings.isolation,
      leakCheck: settings.leakCheck,
      unhandledHttp: settings.unhandledHttp,
    },
  }
}

/**
 * Integration tests anywhere (`integration`, or a tag of `integrationTests.tags`) get the
 * integration timeout, and are skipped unless integration tests are on.
 */
function vitestTag(tag: TagDeclaration, settings: TestbedSettings): TagDeclaration & { skip?: boolean } {
  if (!settings.integrationTags.includes(tag.name)) return tag
  const integration = { ...tag, timeout: tag.timeout ?? settings.timeoutMs }
  // Only ever `skip: true`: a `skip: false` would override `describe.skip` around the test.
  return settings.integration ? integration : { ...integration, skip: true }
}

function isInside(dir: string, parent: string): boolean {
  const normalize = (path: string) => path.replace(/^\.\//, '').replace(/\/+$/, '')
  return normalize(dir).startsWith(`${normalize(parent)}/`)
}
