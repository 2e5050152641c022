import { resolve } from 'node:path'
import type { Plugin } from 'vitest/config'
import type { Vitest } from 'vitest/node'
import { siblingFile } from '../../core/sibling-file.ts'
import { SETTINGS_KEY } from '../provided.ts'
import { loadSettings, type TestbedSettings } from '../settings.ts'
import { sequenceOption } from './duration-sequencer.ts'
import { withRunDefaults } from './run-defaults.ts'
import { addToSuiteProjects, isPreparedProject, mergeSuiteTags, type SuiteTestConfig } from './suite-config.ts'
import { adoptedSetupFiles, PROJECT_NAMES, type TestbedFiles, testConfig } from './test-config.ts'

/** Options of the `testbed()` Vitest plugin. */
export interface TestbedPluginOptions {
  /**
   * The testbed config file, relative to Vitest's root. `testbed test --config` (which sets
   * `TESTBED_CONFIG`) takes precedence.
   * @default 'testbed.config.ts' in Vitest's root, if there is one
   */
  config?: string
}

/**
 * Makes Vitest run the suite the testbed way: tags `unit`, `integration`, `slow` (and those of
 * testbed.config.ts), strict; projects `unit` and `integration` from their folders; integration
 * tests skipped unless asked for, and kept off the network; services started once for the run; a
 * report of durations; `--shard` split by recorded durations.
 * @example
 * // vitest.config.ts
 * import { defineConfig } from 'vitest/config'
 * import { testbed } from 'testbed/vitest/config'
 * export default defineConfig({ plugins: [testbed()] })
 */
export function testbed(options: TestbedPluginOptions = {}): Plugin {
  return {
    name: 'testbed',
    async config(config) {
      // Vitest resolves each project's config with the same plugins: the projects are ours already.
      if (PROJECT_NAMES.includes(config.test?.name as never)) return
      const files = testbedFiles()
      const suite = config.test as SuiteTestConfig | undefined
      if (isPreparedProject(suite, files.tagFile)) return
      const root = resolve(config.test?.root ?? config.root ?? process.cwd())
      const settings = await loadSettings(root, options.config)
      const test = testConfig(settings, files)
      if (settings.integrationTests !== null) {
        addToSuiteProjects(suite, { setupFiles: adoptedSetupFiles(files), tags: test.tags })
      }
      return {
        test: {
          ...withRunDefaults(test, config.test?.maxWorkers),
          tags: mergeSuiteTags(suite, test.tags),
          ...sequenceOption(config.test?.sequence, settings.projectDir),
        },
      }
    },
    configureVitest({ vitest, project }) {
      addReporter(vitest, project.getProvidedContext()[SETTINGS_KEY])
    },
  }
}

function testbedFiles(): TestbedFiles {
  return {
    globalSetup: siblingFile(import.meta.url, './global-setup'),
    tagFile: siblingFile(import.meta.url, '../runtime/tag-file'),
    networkGuardFile: siblingFile(import.meta.url, '../runtime/network-guard-file'),
    reportFile: siblingFile(import.meta.url, '../runtime/report-file'),
    endpointFile: siblingFile(import.meta.url, '../runtime/endpoint-file'),
  }
}

/**
 * The reporter joins whatever reporters the config or the command line chose (`--reporter=dot`
 * replaces the configured list). This hook runs before Vitest creates its reporters.
 */
function addReporter(vitest: Vitest, settings: TestbedSettings | undefined): void {
  if (settings === undefined) return
  const reporter = siblingFile(import.meta.url, './reporter')
  const reporters = vitest.config.reporters as Array<[string | object, unknown]>
  if (reporters.some(([name]) => name === reporter)) return
  reporters.push([reporter, settings])
}
