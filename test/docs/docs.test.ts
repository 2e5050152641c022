import { readFileSync } from 'node:fs'
import { expect, test } from 'vitest'
import { errorCodes } from '../../src/core/error-codes.ts'
import { ENVIRONMENT_DOCS, renderEnvironmentDocs, variableNames } from './environment-docs.ts'
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

test('docs/errors.md has a section for every catalogued error code, and none for a code that is not', () => {
  const headings = [...read('docs/errors.md').matchAll(/^### (TESTBED_\w+)$/gm)].map((match) => match[1])
  expect(headings.toSorted()).toEqual(errorCodes().toSorted())
  for (const code of errorCodes()) expect(sectionOf(code), code).toMatch(/- Fix: \S/)
})

test('testbed throws only catalogued codes: every TESTBED_<AREA>_<WHAT> literal in src/ is in the catalogue or a variable', () => {
  // TypeScript already refuses an uncatalogued code in `new TestbedError(…)`; this catches codes built elsewhere.
  const known = new Set<string>([...errorCodes(), ...variableNames()])
  // `TESTBED_DB_URL`, `TESTBED_REDIS_PROVIDER`: instances of the patterned variables.
  const instance = /^TESTBED_[A-Z0-9_]+_(URL|PROVIDER)$/
  const unknown = sourceFiles().flatMap((file) =>
    [...read(file).matchAll(/['"`](TESTBED_[A-Z0-9_]+)['"`]/g)]
      .map((match) => match[1] as string)
      .filter((literal) => !known.has(literal) && !instance.test(literal))
      .map((literal) => `${file}: ${literal}`),
  )
  expect(unknown).toEqual([])
})

/** The text of a code's section, from its heading to the next. */
function sectionOf(code: string): string {
  const page = read('docs/errors.md')
  const start = page.indexOf(`### ${code}\n`)
  const end = page.indexOf('\n#', start + 4)
  return page.slice(start, end === -1 ? undefined : end)
}
