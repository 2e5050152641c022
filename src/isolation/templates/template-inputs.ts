import { join } from 'node:path'
import type { TemplateSource } from './template-source.ts'

/** What a `postgres()` service declares its template from, as paths relative to the project. */
export interface TemplateInputs {
  migrations?: string
  seeds?: string[]
  /** A folder of labelled fixture files. */
  fixtures?: string
}

/**
 * The template source for those inputs. The global setup (which builds the template) and every
 * worker (which clones it) must derive the same source, or they would hash different templates.
 */
export async function templateSourceFor(inputs: TemplateInputs, baseDir: string): Promise<TemplateSource> {
  const { migrations, seeds } = inputs
  if (!inputs.fixtures) return { migrations, seeds, baseDir }
  const labelled = await labelledFixturesAt(inputs.fixtures, baseDir)
  return { migrations, seeds, fixtures: labelled.load, key: labelled.key, baseDir }
}

export async function labelledFixturesAt(folder: string, baseDir: string) {
  const { labelledFixtures } = await import('../../data/labelled/labelled-fixtures.ts')
  return labelledFixtures(join(baseDir, folder))
}
