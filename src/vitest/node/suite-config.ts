// What the plugin changes in an adopted suite's own Vitest config, in place, where Vite's merge of
// the plugin's returned config cannot: merging appends arrays, and Vitest rejects a tag declared
// twice and runs each project with its own setup files.
import type { TagDeclaration } from '../../core/config.ts'

/** A tag as the plugin declares it, and as Vitest reads `test.tags`. */
export type VitestTag = TagDeclaration & { skip?: boolean }

/** The parts of a suite's `test` config the plugin reads and adapts. */
export interface SuiteTestConfig {
  tags?: VitestTag[]
  setupFiles?: string | string[]
  projects?: unknown[]
}

/**
 * Testbed's tags merged into those the suite declares itself: a tag the suite declares keeps its
 * own options and gains testbed's `skip` and `timeout` where it sets none; the rest are returned,
 * for the plugin to add.
 */
export function mergeSuiteTags(suite: SuiteTestConfig | undefined, ours: readonly VitestTag[]): VitestTag[] {
  const declared = new Map((suite?.tags ?? []).map((tag) => [tag.name, tag]))
  return ours.filter((tag) => {
    const own = declared.get(tag.name)
    if (own === undefined) return true
    if (tag.skip) own.skip ??= true
    if (tag.timeout !== undefined) own.timeout ??= tag.timeout
    return false
  })
}

/**
 * Gives each of the suite's inline projects (`{ test: { … } }`) testbed's setup files, after its
 * own, and testbed's tags merged into those it reads (its own, else the suite's): a project's raw
 * config is copied before any plugin runs, so it would miss what {@link mergeSuiteTags} did to the
 * suite's tags. Projects named by a path or made by a function are left as they are.
 */
export function addToSuiteProjects(
  suite: SuiteTestConfig | undefined,
  additions: { setupFiles: readonly string[]; tags: readonly VitestTag[] },
): void {
  for (const project of suite?.projects ?? []) {
    if (!isInlineProject(project)) continue
    const own = project.test?.setupFiles ?? []
    const tags = { tags: (project.test?.tags ?? suite?.tags ?? []).map((tag) => ({ ...tag })) }
    const added = mergeSuiteTags(tags, additions.tags)
    project.test = {
      ...project.test,
      setupFiles: [...(Array.isArray(own) ? own : [own]), ...additions.setupFiles],
      tags: [...tags.tags, ...added],
    }
  }
}

/**
 * Whether this config is one of the suite's projects the plugin prepared already: Vitest resolves a
 * project that needs its own Vite server with the root config's plugins again, and a second global
 * setup there would start the services twice.
 */
export function isPreparedProject(test: SuiteTestConfig | undefined, tagFile: string): boolean {
  const setupFiles = test?.setupFiles ?? []
  return (Array.isArray(setupFiles) ? setupFiles : [setupFiles]).includes(tagFile)
}

function isInlineProject(project: unknown): project is { test?: SuiteTestConfig } {
  return typeof project === 'object' && project !== null && !('then' in project)
}
