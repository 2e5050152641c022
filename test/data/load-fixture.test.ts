import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { createLoader, load } from '../../src/data/fixtures/load-fixture.ts'
import { tempDir } from '../test-utils/temp-dir.ts'

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url))
// Malformed files are written per run: the linter would reject them checked in.
function malformed(name: string, text: string) {
  const dir = tempDir()
  mkdirSync(join(dir, 'fixtures'))
  writeFileSync(join(dir, 'fixtures', name), text)
  return { load: createLoader(join(dir, 'some.test.ts')), path: join(dir, 'fixtures', name) }
}

const USERS = [
  { email: 'ada@example.com', name: 'Ada Lovelace' },
  { email: 'grace@example.com', name: 'Grace Hopper' },
]

describe('load()', () => {
  test('reads JSON and YAML from the fixtures folder next to the calling test file', async () => {
    expect(await load('users.json', import.meta.url)).toEqual(USERS)
    expect(await load('users.yml', import.meta.url)).toEqual(USERS)
  })

  test('createLoader() binds load to a test file given as a path, as the Vitest fixture does', async () => {
    const loadHere = createLoader(fileURLToPath(import.meta.url))
    expect(await loadHere<typeof USERS>('users.yml')).toEqual(USERS)
  })

  test('a missing file names the path tried', async () => {
    await expect(load('nope.json', import.meta.url)).rejects.toThrow(
      `[testbed] load() cannot read the fixture file: ${FIXTURES}nope.json.\n` +
        'No file there: load() reads from the `fixtures` folder next to the test file. Create the file, or correct the name.',
    )
  })

  test('malformed JSON names the file, line and column, and shows the line', async () => {
    const file = malformed('trailing-comma.json', '{\n  "email": "ada@example.com",\n}\n')
    await expect(file.load('trailing-comma.json')).rejects.toThrow(
      `[testbed] Malformed JSON in fixture file: ${file.path}:3:1.\n` +
        'Expected double-quoted property name (line 3, column 1). ' +
        'Fix the file at that line; JSON allows no comments or trailing commas (a .yml file does).\n' +
        '  • 3 | }',
    )
  })

  test('finds the line of an unexpected token too, which V8 does not give', async () => {
    const file = malformed('bare-word.json', '{ "email": ada }\n')
    await expect(file.load('bare-word.json')).rejects.toThrow(
      `[testbed] Malformed JSON in fixture file: ${file.path}:1:12.\n` +
        "Unexpected token 'a' (line 1, column 12). " +
        'Fix the file at that line; JSON allows no comments or trailing commas (a .yml file does).\n' +
        '  • 1 | { "email": ada }',
    )
  })

  test('malformed YAML names the file, line and column', async () => {
    const file = malformed('bad-indent.yml', 'alice:\n  email: a@example.com\n bob: x\n')
    await expect(file.load('bad-indent.yml')).rejects.toThrow(
      `[testbed] Malformed YAML in fixture file: ${file.path}:3:1.\n` +
        'All mapping items must start at the same column (line 3, column 1). ' +
        'Fix the file at that line; YAML nests by indentation, with spaces only.\n' +
        '  • 3 |  bob: x',
    )
  })

  test('an extension it cannot parse is refused', async () => {
    await expect(load('users.csv', import.meta.url)).rejects.toThrow(
      `[testbed] load() cannot parse the fixture file: ${FIXTURES}users.csv.\n` +
        'load() parses .json, .yml and .yaml files, chosen by extension. Convert the file to one of them, or read it with node:fs.',
    )
  })
})
