import { readFileSync } from 'node:fs'
import { expect, test } from 'vitest'
import { ENVIRONMENT_DOCS, renderEnvironmentDocs } from './environment-docs.ts'
import { sourceFiles } from './source-files.ts'

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')

test('docs/environment.md lists every variable of src/core/env.ts and of each service kind (`npm run docs` rewrites it)', () => {
  expect(read(ENVIRONMENT_DOCS)).toBe(renderEnvironmentDocs())
})

test('testbed reads its variables only through src/core/env.ts, where each has a meaning', () => {
  // Code lines only: examples in JSDoc show users reading them.
  const code = (file: string) =>
    read(file)
      .split('\n')
      .filter((line) => !/^\s*(\*|\/\/)/.test(line))
  const reads = sourceFiles().filter((file) => code(file).some((line) => /process\.env(\.|\[['"`])TESTBED_/.test(line)))
  expect(reads).toEqual([])
})
